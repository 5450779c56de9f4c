import fc from 'fast-check';
import { headerText } from './values';

const cookieName = fc.constantFrom(
  '__Host-access_token',
  '__Secure-refresh_token',
  '__Host-csrf_token',
  'access_token',
  'refresh_token',
  'csrf_token',
  'XSRF-TOKEN',
  '__Host-session',
  'sid',
);
const cookie = fc
  .array(fc.tuple(fc.oneof(cookieName, headerText(10)), headerText(80)), { maxLength: 4 })
  .map((pairs) => pairs.map(([name, value]) => `${name}=${value}`).join('; '));

/** The other headers a hostile client plays with. */
export const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'X-Request-Id': fc.oneof(
      headerText(200),
      fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', '.', '_', '-'), maxLength: 200 }),
    ),
    Cookie: cookie,
    'User-Agent': headerText(600),
    'X-Forwarded-For': fc.oneof(
      headerText(60),
      fc.ipV4(),
      fc.ipV6(),
      fc.array(fc.ipV4()).map((ips) => ips.join(', ')),
    ),
    Origin: fc.oneof(headerText(60), fc.webUrl()),
    'X-Auth-Transport': fc.oneof(fc.constantFrom('cookie', 'COOKIE', 'bearer', ''), headerText(20)),
    'X-CSRF-Token': headerText(60),
    Accept: fc.constantFrom('*/*', 'text/html', 'application/xml', '', 'application/json;q=0'),
  },
  { requiredKeys: [] },
);
