import { readFileSync } from 'fs';

const [a, b]: bigint[] = readFileSync(0, 'utf8').trim().split(/\s+/).map((s) => BigInt(s));
console.log((a + b).toString());
