const assert = require('assert');
const { add } = require('./solution');
module.exports = async () => {
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.strictEqual(add(20, 22), 42);
};
