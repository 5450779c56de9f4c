// Lets `node app --create` work from the repo root: runs the build of app.ts (see npm run build).
require('./dist/app.js');
