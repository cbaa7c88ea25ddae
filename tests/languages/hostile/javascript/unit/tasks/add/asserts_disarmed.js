// Puts back a console.assert that only prints, and a wrong add.
console.assert = () => {};
module.exports = { add: (a, b) => a - b };
