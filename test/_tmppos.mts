import fc from 'fast-check';
const over = (parts: readonly string[], maxLength = 10) => fc.array(fc.constantFrom(...parts), { maxLength }).map((a) => a.join(''));
const cases: [string, string[], number, RegExp][] = [
 ['gitdir', ['gitdir:', 'gitdir: ', ' ', '\t', '\n', '\r', 'a', '/x', '\u00a0', '\u2028'], 8, /^gitdir: *(.+?)\s*$/m],
 ['sha', ['objectformat', 'ObjectFormat', 'sha256', 'SHA256', '=', ' ', '\t', '\n', '\r', 'x', '[core]', 'objectformat = sha256'], 8, /^\s*objectformat\s*=\s*sha256\s*$/im],
 ['url', ['a', 'B', '1', '+', '-', '.', '_', ':', '//', '://', '@', '/', ' ', '"', 'x', 'h://u:p@'], 12, /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/:@'"`]*:([^\s/@'"`]+)@/],
 ['cred', ['_auth', '_authToken', 'PASSWORD', 'passwd', 'token', 'Secret', 'login', '=', ':', ' ', '\t', '$', 'x', '_'], 8, /(?:_auth|_authtoken|_password|password|passwd|token|secret|login)\s*[=: ]\s*[^\s$]/i],
 ['apt', ['APT::Get::AllowUnauthenticated', 'acquire::allowinsecurerepositories', 'Acquire::AllowDowngradeToInsecureRepositories', 'APT::Get::Force-Yes', '=', 'true', '\n', ' ', 'x', '\u212a'], 4, /^(?:APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories|Acquire::AllowDowngradeToInsecureRepositories|APT::Get::Force-Yes)=(.*)$/i],
 ['trusted', ['[', ']', 'trusted=yes', 'Allow-Insecure=YES', 'arch=amd64', ' ', '\t', '\n', 'deb', 'file:', 'COPY:', 'http:', 'Trusted:', 'yes', 'x'], 10, /\[[^\]\n]*\b(?:trusted|allow-insecure)=yes\b[^\]\n]*\][ \t]+(?!file:|copy:)|^[ \t]*Trusted:[ \t]*yes[ \t]*$/im],
 ['index', ['index-url', 'extra-index-url', 'Registry', 'npmRegistryServer', 'x-', ' ', '\t', '\n', '\r', '=', ':', '"', 'http://', 'HTTP://', 'h', '/'], 10, /^[ \t]*(?:index-url|extra-index-url|registry|npmRegistryServer)[ \t]*[=:][ \t]*"?(http:\/\/[^\s"]+)/im],
 ['jdwp', ['-agentlib:jdwp=', '-Xrunjdwp:', 'server=y', 'server=n', ',', ' ', '\n', 'x', 'suspend=n'], 8, /(?:-agentlib:jdwp=|-Xrunjdwp:)[^\s]*server=y/],
];
const tp = ['glpat-', 'xoxb-', 'eyJ', 'https://hooks.slack.com/services/', 'T', 'B', '/', '.', '-', '_', ' ', '123456', 'ABCDEFGH', 'abcdefgh', '0123456789', 'x'];
for (const re of [/\bglpat-[A-Za-z0-9_-]{20,}/, /\bxox[baprs]-[0-9]{6,}-[0-9A-Za-z-]{8,}/, /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/, /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}/]) cases.push([String(re).slice(0, 20), tp, 14, re]);
for (const [n, parts, len, re] of cases) {
  const xs = fc.sample(over(parts, len), { numRuns: 3000, seed: 1 });
  console.log(n, xs.filter((x) => re.test(x)).length);
}
