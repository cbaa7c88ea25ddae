import { writeSync } from 'fs';

const line: Buffer = Buffer.from('flood flood flood flood flood flood flood flood\n'.repeat(1000));
for (;;) writeSync(1, line);
