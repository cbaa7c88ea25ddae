import { strictEqual } from 'assert';
import { add } from './solution';

strictEqual(add(2, 3), 5);
strictEqual(add(-7, 7), 0);
console.assert(add(1, 1) === 2, 'add(1, 1) === 2');
