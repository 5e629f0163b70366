/** `npm run bench`: speed and size figures. The measurements land with the demo/bench issue. */
console.error('The benchmarks are not built yet (see the demo and benchmarks issue).');
process.exit(1);
