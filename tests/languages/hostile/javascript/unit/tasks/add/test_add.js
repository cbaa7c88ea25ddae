const { add } = require('./solution');
console.assert(add(2, 3) === 5, 'add(2, 3) === 5');
console.assert(add(-7, 7) === 0, 'add(-7, 7) === 0');
