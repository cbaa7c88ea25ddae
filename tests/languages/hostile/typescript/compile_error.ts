const n: number = undeclaredName;
console.log(n);
