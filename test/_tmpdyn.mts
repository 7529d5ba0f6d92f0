const { collectAll } = await import(process.cwd() + '/test/_tmpcoll.mts');
const { found, dynamic } = collectAll(process.cwd() + '/src');
console.log(found.length);
for (const d of dynamic) console.log(d.file + ':' + d.line, d.justification === null ? 'MISSING' : 'ok', d.code);
