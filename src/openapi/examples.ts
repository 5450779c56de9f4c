/** Sample values the documented examples share; they satisfy the schemas they appear in. */
export const sampleUser = {
  id: 42,
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  role: 'user',
  email_verified: false,
  registered_on: '2026-01-15T09:30:00.000Z',
};

export const sampleTokenPair = {
  access_token:
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzaWQiOiJ3N1RnS3BfVjJ4cVJ6WTFtUTVmQ0FnIiwidmVyIjowLCJpYXQiOjE3Njg0NjkwMDAsImV4cCI6MTc2ODQ2OTkwMCwic3ViIjoiNDIiLCJqdGkiOiJaV3Z4a0ZQR3RwTWJyQ0Q2ZDBZN2NRIn0.3q8m1nR2b1Jc3n1zY0g8c2Hc4d9Qm0x2J5pXv3Y6bHk',
  token_type: 'Bearer',
  expires_in: 900,
  refresh_token: 'Xk3Tq9vL2mN8pR5sW1yZ0a.Jd8fK2nQ5rT9vX1zB4cE7gH0jL3mP6sU8wY2aD5fG7i',
  refresh_expires_in: 2592000,
};

export const sampleSessionId = 'w7TgKp_V2xqRzY1mQ5fCAg';

/** What a cookie-transport answer carries instead of the tokens (which are in Set-Cookie headers). */
export const sampleCookieSession = {
  expires_in: sampleTokenPair.expires_in,
  refresh_expires_in: sampleTokenPair.refresh_expires_in,
  csrf_token: 'qL8vN2xR5tW9zB1cE4gH7jK0mP3sU6wY9aD2fG5iJ8l',
};
