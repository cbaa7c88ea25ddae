const fs = require('fs');
const line = Buffer.from('flood flood flood flood flood flood flood flood\n'.repeat(1000));
for (;;) fs.writeSync(1, line);
