/**
 * getopt-style option parsing driven by a table of per-tool option specs (data, not code per tool).
 *
 * Supported syntaxes: bundled short options (`-xzf file`), attached values (`-ofile`, `--out=file`), separate
 * values (`-o file`, `--out file`), `--` ending options, GNU permutation (options after operands) unless the tool
 * stops at its first operand, go-style single-dash long options, and tar's old-style key letters (`tar xzf f`).
 */
import type { OptionUse, Word } from './types.js';
import { subWord } from './words.js';

export interface OptionSpec {
  /** Short option letters that take a value (`'oO'`). */
  readonly shortValued?: string;
  /** Long options (with leading dashes) that take a value. */
  readonly longValued?: readonly string[];
  /** Groups of equivalent spellings; the first is canonical. */
  readonly aliases?: readonly (readonly string[])[];
  /** The first operand is a subcommand (`apt-get install`). */
  readonly subcommand?: boolean;
  /** Options accepted before the subcommand, when they differ from the ones after it (git, zypper). */
  readonly global?: OptionSpec;
  /** Stop option parsing at the first operand (POSIX; interpreters and wrappers). */
  readonly stopAtOperand?: boolean;
  /** Options after which everything is operands (python `-c`/`-m`). */
  readonly terminating?: readonly string[];
  /** When set, a short cluster with any other letter is an operand (`chmod -x file`: `-x` is a mode). */
  readonly strictShort?: string;
  /** Go-style flags: `-name` and `--name` are the same long option. */
  readonly goStyle?: boolean;
  /** tar: a first word without a dash is a bundle of key letters. */
  readonly tarStyle?: boolean;
  /** `--` is an ordinary operand (echo). */
  readonly noDashDash?: boolean;
  /** `+o`, `+e` style options (sh). */
  readonly plusOptions?: boolean;
}

export interface ParsedArgs {
  readonly options: readonly OptionUse[];
  readonly operands: readonly Word[];
  readonly subcommand: Word | null;
}

const sp = (s: string): string[] => s.split(' ').filter((x) => x !== '');

const APT: OptionSpec = {
  subcommand: true,
  shortValued: 'octaP',
  longValued: sp('--option --config-file --target-release --default-release --host-architecture --build-profiles'),
  aliases: [
    ['-y', '--yes', '--assume-yes'],
    ['-q', '--quiet', '--silent'],
    ['-o', '--option'],
    ['-c', '--config-file'],
    ['-t', '--target-release', '--default-release'],
    ['-s', '--simulate', '--just-print', '--dry-run', '--recon', '--no-act'],
    ['-d', '--download-only'],
    ['-f', '--fix-broken'],
    ['-m', '--ignore-missing', '--fix-missing'],
    ['--no-install-recommends', '--without-recommends'],
    ['--allow-unauthenticated'],
    ['--autoremove', '--auto-remove'],
  ],
};
const YUM: OptionSpec = {
  subcommand: true,
  shortValued: 'cdexR',
  longValued: sp(
    '--config --debuglevel --errorlevel --installroot --enablerepo --disablerepo --repo --repoid --exclude --excludepkgs --releasever --setopt --downloaddir --destdir --rpmverbosity --color --forcearch --advisory --advisories --disableplugin --enableplugin --randomwait --cachedir --module --platform-id',
  ),
  aliases: [
    ['-y', '--assumeyes'],
    ['-q', '--quiet'],
    ['-c', '--config'],
    ['-x', '--exclude', '--excludepkgs'],
    ['-C', '--cacheonly'],
    ['--nogpgcheck', '--no-gpgchecks'],
  ],
};
const PIP: OptionSpec = {
  subcommand: true,
  shortValued: 'rceiftCp',
  longValued: sp(
    '--requirement --constraint --editable --index-url --extra-index-url --find-links --trusted-host --target --prefix --root --src --cache-dir --python --platform --python-version --implementation --abi --only-binary --no-binary --upgrade-strategy --progress-bar --log --proxy --retries --timeout --exists-action --cert --client-cert --global-option --install-option --config-settings --report --root-user-action --index --python-platform --extra --group --default-index --keyring-provider --resolution --prerelease --exclude-newer --link-mode --reinstall-package --upgrade-package --overrides --build-constraint',
  ),
  aliases: [
    ['-r', '--requirement'],
    ['-c', '--constraint'],
    ['-e', '--editable'],
    ['-i', '--index-url', '--default-index'],
    ['-f', '--find-links'],
    ['-t', '--target'],
    ['-U', '--upgrade'],
    ['-I', '--ignore-installed'],
    ['-q', '--quiet'],
    ['-v', '--verbose'],
    ['-y', '--yes'],
    ['--no-cache-dir', '--no-cache'],
    ['--trusted-host', '--allow-insecure-host'],
  ],
};
const SHELL: OptionSpec = {
  shortValued: 'oO',
  longValued: sp('--rcfile --init-file'),
  stopAtOperand: true,
  plusOptions: true,
};
const CHECKSUM: OptionSpec = {
  aliases: [
    ['-c', '--check'],
    ['-b', '--binary'],
    ['-t', '--text'],
    ['-w', '--warn'],
    ['-z', '--zero'],
  ],
};

/** Option specs per tool (keyed by command basename). Unknown tools are parsed with an empty GNU spec. */
export const OPTION_SPECS: Readonly<Record<string, OptionSpec>> = {
  'apt-get': APT,
  apt: APT,
  aptitude: {
    subcommand: true,
    shortValued: 'otFwOS',
    longValued: sp('--option --target-release --display-format --width --sort --log-file'),
    aliases: [
      ['-y', '--assume-yes'],
      ['-R', '--without-recommends'],
      ['-r', '--with-recommends'],
      ['-o', '--option'],
      ['-t', '--target-release'],
    ],
  },
  dpkg: {
    shortValued: 'D',
    longValued: sp(
      '--admindir --instdir --root --debug --path-include --path-exclude --log --status-fd --status-logger --abort-after --force --refuse',
    ),
    aliases: [
      ['-i', '--install'],
      ['-r', '--remove'],
      ['-P', '--purge'],
      ['-x', '--extract'],
      ['-X', '--vextract'],
      ['-L', '--listfiles'],
      ['-s', '--status'],
      ['-l', '--list'],
      ['-c', '--contents'],
      ['-e', '--control'],
      ['-b', '--build'],
      ['-I', '--info'],
      ['-S', '--search'],
      ['-R', '--recursive'],
      ['-D', '--debug'],
    ],
  },
  apk: {
    subcommand: true,
    shortValued: 'Xpt',
    longValued: sp(
      '--repository --root --cache-dir --arch --keys-dir --repositories-file --virtual --progress-fd --wait --cache-max-age --timeout',
    ),
    aliases: [
      ['-X', '--repository'],
      ['-p', '--root'],
      ['-t', '--virtual'],
      ['-U', '--update-cache'],
      ['-u', '--upgrade'],
      ['-q', '--quiet'],
      ['-v', '--verbose'],
      ['-i', '--interactive'],
      ['-s', '--simulate'],
      ['-l', '--latest'],
      ['-a', '--available'],
      ['-f', '--force'],
    ],
  },
  yum: YUM,
  dnf: YUM,
  dnf5: YUM,
  microdnf: YUM,
  tdnf: YUM,
  zypper: {
    subcommand: true,
    global: {
      shortValued: 'RDCc',
      longValued: sp('--root --reposd-dir --cache-dir --raw-cache-dir --solv-cache-dir --pkg-cache-dir --config --installroot'),
      aliases: [
        ['-n', '--non-interactive'],
        ['-q', '--quiet'],
        ['-R', '--root'],
        ['-c', '--config'],
      ],
    },
    shortValued: 'rtpm',
    longValued: sp('--from --repo --type --download --replacefiles-from --oldpackage-from'),
    aliases: [
      ['-y', '--no-confirm'],
      ['-n', '--non-interactive'],
      ['-l', '--auto-agree-with-licenses'],
      ['-r', '--repo'],
      ['-t', '--type'],
      ['-D', '--dry-run'],
      ['-f', '--force'],
    ],
  },
  rpm: {
    shortValued: 'DE',
    longValued: sp(
      '--root --dbpath --define --eval --rcfile --macros --excludepath --prefix --relocate --qf --queryformat --pipe --undefine --load',
    ),
    aliases: [
      ['-i', '--install'],
      ['-U', '--upgrade'],
      ['-F', '--freshen'],
      ['-e', '--erase'],
      ['-q', '--query'],
      ['-V', '--verify'],
      ['-K', '--checksig'],
      ['-h', '--hash'],
      ['-D', '--define'],
      ['-E', '--eval'],
      ['--qf', '--queryformat'],
    ],
  },
  pip: PIP,
  pip3: PIP,
  npm: {
    subcommand: true,
    shortValued: 'wC',
    longValued: sp(
      '--registry --prefix --cache --workspace --tag --omit --include --loglevel --userconfig --globalconfig --only --save-prefix --access --otp --location --install-strategy --script-shell --fetch-retries --before --cpu --os',
    ),
    aliases: [
      ['-g', '--global'],
      ['-D', '--save-dev'],
      ['-P', '--save-prod'],
      ['-E', '--save-exact'],
      ['-f', '--force'],
      ['-s', '--silent'],
      ['-q', '--quiet'],
      ['-y', '--yes'],
      ['-w', '--workspace'],
      ['-C', '--prefix'],
    ],
  },
  yarn: {
    subcommand: true,
    longValued: sp(
      '--cwd --registry --cache-folder --modules-folder --mutex --network-timeout --network-concurrency --global-folder --link-folder --use-yarnrc --https-proxy --proxy',
    ),
    aliases: [
      ['-D', '--dev'],
      ['-E', '--exact'],
      ['-W', '--ignore-workspace-root-check'],
      ['-s', '--silent'],
    ],
  },
  pnpm: {
    subcommand: true,
    shortValued: 'FC',
    longValued: sp('--filter --dir --store-dir --registry --reporter --virtual-store-dir --modules-dir --config'),
    aliases: [
      ['-F', '--filter'],
      ['-C', '--dir'],
      ['-P', '--prod', '--production'],
      ['-D', '--dev'],
      ['-g', '--global'],
      ['-r', '--recursive'],
    ],
  },
  gem: {
    subcommand: true,
    shortValued: 'vinsPgp',
    longValued: sp(
      '--version --install-dir --bindir --source --platform --trust-policy --file --build-root --document --http-proxy --config-file',
    ),
    aliases: [
      ['-v', '--version'],
      ['-i', '--install-dir'],
      ['-n', '--bindir'],
      ['-s', '--source'],
      ['-P', '--trust-policy'],
      ['-N', '--no-document'],
      ['-f', '--force'],
      ['-q', '--quiet'],
      ['-E', '--env-shebang'],
    ],
  },
  go: {
    subcommand: true,
    goStyle: true,
    longValued: sp(
      '-o -ldflags -gcflags -asmflags -tags -mod -modfile -p -C -overlay -pgo -buildmode -compiler -gccgoflags -installsuffix -pkgdir -toolexec -exec -run -bench -count -timeout -covermode -coverprofile -coverpkg -cpu -parallel -skip',
    ),
  },
  cargo: {
    subcommand: true,
    shortValued: 'FjpZ',
    longValued: sp(
      '--version --vers --git --branch --tag --rev --path --root --index --registry --features --jobs --target --target-dir --profile --bin --example --config --manifest-path --color --package',
    ),
    aliases: [
      ['--version', '--vers'],
      ['-F', '--features'],
      ['-j', '--jobs'],
      ['-f', '--force'],
      ['-p', '--package'],
    ],
  },
  curl: {
    shortValued: 'odHuAeEbcDFKmrTwxXYyzCQUtP',
    longValued: sp(
      '--output --data --data-raw --data-binary --data-urlencode --data-ascii --json --header --user --user-agent --referer --cert --cacert --capath --cookie --cookie-jar --dump-header --form --form-string --config --max-time --connect-timeout --range --upload-file --write-out --proxy --request --retry --retry-delay --retry-max-time --output-dir --url --proto --proto-redir --proto-default --ciphers --key --pinnedpubkey --resolve --max-redirs --limit-rate --interface --netrc-file --continue-at --oauth2-bearer --unix-socket --tls-max --hostpubmd5 --hostpubsha256 --cert-type --key-type --proxy-user --connect-to --doh-url --expect100-timeout --keepalive-time --max-filesize --speed-limit --speed-time --time-cond --quote --telnet-option --ftp-port --variable --expand-url --expand-output --etag-save --etag-compare --aws-sigv4 --crlfile --dns-servers --local-port --login-options --mail-from --mail-rcpt --noproxy --pass --preproxy --proxy-header --random-file --request-target --sasl-authzid --service-name --socks4 --socks4a --socks5 --socks5-hostname --stderr --trace --trace-ascii --trace-config --ca-native --create-file-mode',
    ),
    aliases: [
      ['-o', '--output'],
      ['-O', '--remote-name'],
      ['-f', '--fail'],
      ['-s', '--silent'],
      ['-S', '--show-error'],
      ['-L', '--location'],
      ['-k', '--insecure'],
      ['-J', '--remote-header-name'],
      ['-d', '--data'],
      ['-H', '--header'],
      ['-u', '--user'],
      ['-x', '--proxy'],
      ['-X', '--request'],
      ['-K', '--config'],
      ['-q', '--disable'],
      ['-Z', '--parallel'],
      ['-1', '--tlsv1'],
      ['-2', '--sslv2'],
      ['-3', '--sslv3'],
    ],
  },
  wget: {
    shortValued: 'OoaPtTwUeiBQlARDIXn',
    longValued: sp(
      '--output-document --output-file --append-output --directory-prefix --tries --timeout --user-agent --header --post-data --post-file --user --password --http-user --http-password --input-file --ca-certificate --ca-directory --certificate --private-key --secure-protocol --limit-rate --wait --execute --progress --load-cookies --save-cookies --method --body-data --body-file --referer --quota --level --accept --reject --domains --exclude-domains --include-directories --exclude-directories --bind-address --dns-timeout --connect-timeout --read-timeout --base --certificate-type --private-key-type --ftp-user --ftp-password --proxy-user --proxy-password --config --waitretry --restrict-file-names --local-encoding --remote-encoding --cut-dirs --default-page --adjust-extension --hsts-file --use-askpass --ciphers --crl-file --pinnedpubkey --random-file --egd-file --rejected-log',
    ),
    aliases: [
      ['-O', '--output-document'],
      ['-o', '--output-file'],
      ['-P', '--directory-prefix'],
      ['-q', '--quiet'],
      ['-c', '--continue'],
      ['-N', '--timestamping'],
      ['-i', '--input-file'],
      ['-e', '--execute'],
      ['-U', '--user-agent'],
    ],
  },
  git: {
    subcommand: true,
    global: {
      shortValued: 'Cc',
      longValued: sp('--git-dir --work-tree --namespace --super-prefix --config-env --exec-path'),
    },
    shortValued: 'bojcuB',
    longValued: sp(
      '--branch --depth --origin --config --reference --reference-if-able --jobs --filter --shallow-since --shallow-exclude --template --upload-pack --separate-git-dir --server-option --bundle-uri --ref-format --revision --deepen --shallow --recurse-submodules-default --message --file --author --date --orphan --track',
    ),
    aliases: [
      ['-b', '--branch'],
      ['-o', '--origin'],
      ['-c', '--config'],
      ['-j', '--jobs'],
      ['-q', '--quiet'],
    ],
  },
  sha1sum: CHECKSUM,
  sha224sum: CHECKSUM,
  sha256sum: CHECKSUM,
  sha384sum: CHECKSUM,
  sha512sum: CHECKSUM,
  md5sum: CHECKSUM,
  b2sum: { ...CHECKSUM, shortValued: 'l', longValued: ['--length'] },
  shasum: { ...CHECKSUM, shortValued: 'a', longValued: ['--algorithm'], aliases: [...CHECKSUM.aliases!, ['-a', '--algorithm']] },
  gpg: {
    shortValued: 'ourfN',
    longValued: sp(
      '--keyserver --homedir --keyring --secret-keyring --output --local-user --recipient --default-key --trust-model --import-options --export-options --keyserver-options --status-fd --logger-fd --attribute-fd --passphrase --passphrase-fd --passphrase-file --pinentry-mode --keyid-format --digest-algo --cipher-algo --compress-algo --s2k-digest-algo --cert-digest-algo --set-filename --comment --default-recipient --hidden-recipient --encrypt-to --trusted-key --auto-key-locate --list-options --verify-options --group --agent-program --dirmngr-program --weak-digest --compliance --verify-files --assert-signer --assert-pubkey-algo',
    ),
    aliases: [
      ['-o', '--output'],
      ['-u', '--local-user'],
      ['-r', '--recipient'],
      ['-d', '--decrypt'],
      ['-s', '--sign'],
      ['-e', '--encrypt'],
      ['-k', '--list-keys', '--list-public-keys'],
      ['-K', '--list-secret-keys'],
      ['-a', '--armor', '--armour'],
      ['-q', '--quiet'],
      ['--receive-keys', '--recv-keys', '--recv-key'],
      ['--dearmor', '--dearmour'],
    ],
  },
  gpgv: {
    longValued: sp('--keyring --homedir --status-fd --logger-fd --output --weak-digest --assert-signer --assert-pubkey-algo'),
    shortValued: 'o',
    aliases: [['-o', '--output']],
  },
  cosign: {
    subcommand: true,
    shortValued: 'ot',
    longValued: sp(
      '--key --signature --certificate --certificate-identity --certificate-identity-regexp --certificate-oidc-issuer --certificate-oidc-issuer-regexp --certificate-chain --certificate-github-workflow-repository --certificate-github-workflow-ref --certificate-github-workflow-sha --certificate-github-workflow-name --certificate-github-workflow-trigger --bundle --rekor-url --output-file --output --type --timeout --attachment --annotations --ca-roots --ca-intermediates --trusted-root --new-bundle-format --sk --slot --payload --local-image --registry-username --registry-password --fulcio-url --oidc-issuer --oidc-client-id --identity-token --output-signature --output-certificate --tlog-upload --predicate --policy',
    ),
    aliases: [
      ['-o', '--output'],
      ['-a', '--annotations'],
      ['-t', '--timeout'],
    ],
  },
  tar: {
    tarStyle: true,
    shortValued: 'fCbTXKNLVgFHI',
    longValued: sp(
      '--file --directory --blocking-factor --files-from --exclude-from --exclude --starting-file --newer --after-date --newer-mtime --label --listed-incremental --info-script --new-volume-script --format --use-compress-program --strip-components --owner --group --mode --transform --xform --mtime --to-command --warning --tape-length --record-size --volno-file --rsh-command --owner-map --group-map --sort --checkpoint-action --backup --suffix --occurrence --quoting-style --index-file --pax-option --exclude-tag --exclude-tag-all --exclude-tag-under --hole-detection --rmt-command',
    ),
    aliases: [
      ['-x', '--extract', '--get'],
      ['-c', '--create'],
      ['-t', '--list'],
      ['-r', '--append'],
      ['-u', '--update'],
      ['-f', '--file'],
      ['-C', '--directory'],
      ['-z', '--gzip', '--gunzip', '--ungzip'],
      ['-j', '--bzip2'],
      ['-J', '--xz'],
      ['-v', '--verbose'],
      ['-O', '--to-stdout'],
      ['-P', '--absolute-names'],
      ['-I', '--use-compress-program'],
      ['-T', '--files-from'],
      ['-X', '--exclude-from'],
    ],
  },
  unzip: { shortValued: 'dPIO', strictShort: 'dPIOoqnjufltvaabcCLXKMVZxhWDT' },
  chmod: {
    strictShort: 'Rvcf',
    longValued: ['--reference'],
    aliases: [['-R', '--recursive'], ['-v', '--verbose'], ['-c', '--changes'], ['-f', '--silent', '--quiet']],
  },
  chown: {
    strictShort: 'RvcfhHLP',
    longValued: ['--reference', '--from'],
    aliases: [['-R', '--recursive'], ['-v', '--verbose'], ['-c', '--changes'], ['-f', '--silent', '--quiet'], ['-h', '--no-dereference']],
  },
  chgrp: { strictShort: 'RvcfhHLP', longValued: ['--reference'], aliases: [['-R', '--recursive']] },
  useradd: {
    shortValued: 'ugGdscbekKpfZ',
    longValued: sp(
      '--uid --gid --groups --home-dir --home --shell --comment --base-dir --expiredate --skel --key --password --inactive --selinux-user --root --prefix --btrfs-subvolume-home',
    ),
    aliases: [
      ['-u', '--uid'],
      ['-g', '--gid'],
      ['-G', '--groups'],
      ['-d', '--home-dir', '--home'],
      ['-s', '--shell'],
      ['-c', '--comment'],
      ['-m', '--create-home'],
      ['-M', '--no-create-home'],
      ['-r', '--system'],
      ['-o', '--non-unique'],
      ['-l', '--no-log-init'],
      ['-N', '--no-user-group'],
      ['-U', '--user-group'],
      ['-p', '--password'],
    ],
  },
  adduser: {
    shortValued: 'uGghsk',
    longValued: sp(
      '--uid --gid --ingroup --home --shell --gecos --comment --firstuid --lastuid --firstgid --lastgid --conf --add-extra-groups --extrausers --key',
    ),
    aliases: [
      ['-u', '--uid'],
      ['-h', '--home'],
      ['-s', '--shell'],
      ['-S', '--system'],
      ['-D', '--disabled-password'],
      ['-H', '--no-create-home'],
      ['-G', '--ingroup'],
      ['-g', '--gecos'],
    ],
  },
  addgroup: { shortValued: 'g', longValued: ['--gid'], aliases: [['-g', '--gid'], ['-S', '--system']] },
  groupadd: {
    shortValued: 'gKpR',
    longValued: sp('--gid --key --password --root --prefix --users'),
    aliases: [['-g', '--gid'], ['-r', '--system'], ['-f', '--force'], ['-o', '--non-unique']],
  },
  usermod: {
    shortValued: 'ugGdslcefpR',
    longValued: sp('--uid --gid --groups --home --shell --login --comment --expiredate --inactive --password --root --prefix'),
    aliases: [
      ['-u', '--uid'],
      ['-g', '--gid'],
      ['-G', '--groups'],
      ['-d', '--home'],
      ['-s', '--shell'],
      ['-a', '--append'],
      ['-L', '--lock'],
      ['-U', '--unlock'],
      ['-p', '--password'],
    ],
  },
  sudo: {
    stopAtOperand: true,
    shortValued: 'ugCDprtTUR',
    longValued: sp('--user --group --close-from --chdir --prompt --role --type --command-timeout --other-user --chroot --host'),
    aliases: [
      ['-u', '--user'],
      ['-g', '--group'],
      ['-E', '--preserve-env'],
      ['-H', '--set-home'],
      ['-i', '--login'],
      ['-s', '--shell'],
      ['-n', '--non-interactive'],
    ],
  },
  su: {
    shortValued: 'csgGw',
    longValued: sp('--command --shell --group --supp-group --whitelist-environment --session-command'),
    aliases: [
      ['-c', '--command'],
      ['-s', '--shell'],
      ['-l', '--login'],
      ['-m', '-p', '--preserve-environment'],
    ],
  },
  gosu: { stopAtOperand: true },
  'su-exec': { stopAtOperand: true },
  runuser: {
    shortValued: 'ugGcsw',
    longValued: sp('--user --group --supp-group --command --shell --whitelist-environment'),
    stopAtOperand: true,
    aliases: [['-u', '--user'], ['-c', '--command']],
  },
  cd: { strictShort: 'LPe@' },
  rm: {
    strictShort: 'rRfidvI',
    aliases: [['-r', '-R', '--recursive'], ['-f', '--force'], ['-v', '--verbose'], ['-d', '--dir']],
  },
  mv: { shortValued: 'tS', longValued: ['--target-directory', '--suffix', '--backup'], aliases: [['-t', '--target-directory'], ['-f', '--force']] },
  cp: {
    shortValued: 'tS',
    longValued: ['--target-directory', '--suffix', '--backup', '--preserve', '--sparse', '--reflink'],
    aliases: [['-t', '--target-directory'], ['-r', '-R', '--recursive'], ['-a', '--archive'], ['-f', '--force']],
  },
  install: {
    shortValued: 'mogtSZ',
    longValued: ['--mode', '--owner', '--group', '--target-directory', '--suffix', '--strip-program', '--backup'],
    aliases: [['-m', '--mode'], ['-o', '--owner'], ['-g', '--group'], ['-t', '--target-directory'], ['-D']],
  },
  mkdir: { shortValued: 'm', longValued: ['--mode'], aliases: [['-m', '--mode'], ['-p', '--parents']] },
  ln: { shortValued: 'tS', longValued: ['--target-directory', '--suffix'], aliases: [['-s', '--symbolic'], ['-f', '--force']] },
  echo: { strictShort: 'neE', noDashDash: true, stopAtOperand: true },
  printf: { shortValued: 'v', stopAtOperand: true },
  sh: SHELL,
  bash: SHELL,
  ash: SHELL,
  dash: SHELL,
  zsh: SHELL,
  ksh: SHELL,
  python: { shortValued: 'cmWXQ', stopAtOperand: true, terminating: ['-c', '-m'], longValued: ['--check-hash-based-pycs'] },
  perl: { shortValued: 'eEMmIxC', stopAtOperand: true },
  ruby: { shortValued: 'erICEFxTW', stopAtOperand: true, longValued: ['--encoding', '--external-encoding', '--internal-encoding', '--enable', '--disable'] },
  node: {
    shortValued: 'eprC',
    stopAtOperand: true,
    longValued: sp('--eval --print --require --import --loader --experimental-loader --input-type --conditions --env-file --title --max-old-space-size --stack-size'),
    aliases: [['-e', '--eval'], ['-p', '--print'], ['-r', '--require']],
  },
  php: { shortValued: 'rfdcBREFzt', stopAtOperand: true, aliases: [['-r', '--run'], ['-f', '--file'], ['-d', '--define']] },
  'update-ca-certificates': {
    longValued: ['--certsdir', '--localcertsdir', '--etccertsdir', '--hooksdir'],
    aliases: [['-f', '--fresh'], ['-v', '--verbose']],
  },
  xargs: {
    shortValued: 'InPLsdEa',
    stopAtOperand: true,
    longValued: sp('--replace --max-args --max-procs --max-lines --max-chars --delimiter --eof --arg-file --process-slot-var'),
  },
  env: { shortValued: 'uCS', longValued: ['--unset', '--chdir', '--split-string', '--block-signal', '--default-signal', '--ignore-signal'], stopAtOperand: true },
  exec: { shortValued: 'a', stopAtOperand: true },
  nice: { shortValued: 'n', longValued: ['--adjustment'], stopAtOperand: true },
  time: { shortValued: 'fo', longValued: ['--format', '--output'], stopAtOperand: true },
  command: { stopAtOperand: true },
  nohup: { stopAtOperand: true },
  timeout: { shortValued: 'sk', longValued: ['--signal', '--kill-after'], stopAtOperand: true },
  stdbuf: { shortValued: 'ioe', longValued: ['--input', '--output', '--error'], stopAtOperand: true },
  chroot: { longValued: ['--userspec', '--groups'], stopAtOperand: true },
  doas: { shortValued: 'uC', stopAtOperand: true },
  // PowerShell cmdlets (names and parameters lower-cased by the tokenizer; `-Name value`)
  'invoke-webrequest': {
    goStyle: true,
    longValued: sp('-uri -outfile -method -headers -body -proxy -proxycredential -credential -contenttype -infile -useragent -websession -sessionvariable -timeoutsec -maximumredirection -certificate -certificatethumbprint -transferencoding'),
  },
  'invoke-restmethod': {
    goStyle: true,
    longValued: sp('-uri -outfile -method -headers -body -proxy -credential -contenttype -infile -useragent -timeoutsec -maximumredirection'),
  },
  'start-bitstransfer': { goStyle: true, longValued: sp('-source -destination -displayname -description -priority -transfertype -credential -proxyusage -proxylist') },
  'invoke-expression': { goStyle: true, longValued: ['-command'] },
  'start-process': { goStyle: true, longValued: sp('-filepath -argumentlist -workingdirectory -verb -redirectstandardoutput -redirectstandarderror -redirectstandardinput -windowstyle') },
  uv: { subcommand: true, longValued: sp('--python --directory --project --cache-dir --config-file --color'), stopAtOperand: true },
};

/**
 * `OPTION_SPECS` as a Map, for lookups by a command's tool key. The key is a string cut from the script: a keyed
 * property load with such a string probes V8's string table on every lookup (the `spec` getter's line was ~45 profile
 * ticks over the corpus), and an object literal also answers `constructor` or `toString` from its prototype.
 */
export const SPEC_OF: ReadonlyMap<string, OptionSpec> = new Map(Object.entries(OPTION_SPECS));

/** Normalises versioned names: `python3.11` → `python`, `pip3.12` → `pip`, `nodejs` → `node`. */
export function toolKey(name: string): string {
  // asked several times per command (wrappers, nested scripts, the name): prefix tests and a scan of the version
  // suffix instead of the regular expressions `^python[0-9.]*$`, `^pip[0-9.]*$`, `^(perl|ruby|php)[0-9.]*$`
  const c = name.charCodeAt(0);
  if (c === 0x70 /* p */) {
    if (name.startsWith('python') && isVersion(name, 6)) return 'python';
    if (name.startsWith('pip') && isVersion(name, 3)) return 'pip';
    if (name.startsWith('perl') && isVersion(name, 4)) return 'perl';
    if (name.startsWith('php') && isVersion(name, 3)) return 'php';
  } else if (c === 0x72 /* r */) {
    if (name.startsWith('ruby') && isVersion(name, 4)) return 'ruby';
  } else if (name === 'nodejs') return 'node';
  else if (name === 'gpg2') return 'gpg';
  return name;
}

/** Whether `name` from `from` on is only digits and dots (possibly nothing). */
function isVersion(name: string, from: number): boolean {
  for (let i = from; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c < 0x30 || c > 0x39) && c !== 0x2e) return false;
  }
  return true;
}

const aliasCache = new WeakMap<OptionSpec, Map<string, string>>();
/** Spelling → canonical spelling for a spec (its aliases and its global options' aliases), built once per spec. */
function aliasMap(spec: OptionSpec): Map<string, string> {
  let m = aliasCache.get(spec);
  if (m === undefined) {
    m = new Map();
    for (const s of [spec, spec.global]) {
      for (const group of s?.aliases ?? []) for (const n of group) if (!m.has(n)) m.set(n, group[0]!);
    }
    aliasCache.set(spec, m);
  }
  return m;
}

/** Canonical spelling of an option in a spec. */
export function canonicalOption(spec: OptionSpec | undefined, name: string): string {
  if (spec === undefined) return name;
  return aliasMap(spec).get(name) ?? name;
}

/**
 * A spec with every field present, built once per spec. The specs are ~100 object literals of different shapes, so
 * reading their optional fields directly made every property access in `parseArgs` megamorphic (it was the shell
 * layer's most expensive JavaScript function over the corpus); one class shape keeps those accesses monomorphic.
 */
class CompiledSpec {
  readonly shortValued: string;
  readonly longValued: ReadonlySet<string>;
  readonly terminating: ReadonlySet<string>;
  readonly subcommand: boolean;
  readonly stopAtOperand: boolean;
  readonly strictShort: string | null;
  readonly goStyle: boolean;
  readonly tarStyle: boolean;
  readonly noDashDash: boolean;
  readonly plusOptions: boolean;
  /** Options before the subcommand (`spec.global`), or null. */
  readonly global: CompiledSpec | null;
  /** Spelling → canonical spelling (this spec's and its global options' aliases). */
  readonly aliases: ReadonlyMap<string, string>;
  constructor(spec: OptionSpec) {
    this.shortValued = spec.shortValued ?? '';
    this.longValued = new Set(spec.longValued ?? []);
    this.terminating = new Set(spec.terminating ?? []);
    this.subcommand = spec.subcommand === true;
    this.stopAtOperand = spec.stopAtOperand === true;
    this.strictShort = spec.strictShort ?? null;
    this.goStyle = spec.goStyle === true;
    this.tarStyle = spec.tarStyle === true;
    this.noDashDash = spec.noDashDash === true;
    this.plusOptions = spec.plusOptions === true;
    this.global = spec.global === undefined ? null : compiled(spec.global);
    this.aliases = aliasMap(spec);
  }
}

const compiledCache = new WeakMap<OptionSpec, CompiledSpec>();
function compiled(spec: OptionSpec): CompiledSpec {
  let c = compiledCache.get(spec);
  if (c === undefined) {
    c = new CompiledSpec(spec);
    compiledCache.set(spec, c);
  }
  return c;
}

/** The spec of tools without one (shared, so it is compiled once). */
const NO_SPEC: OptionSpec = Object.freeze({});

/** Parses the arguments after a command name (words[0] is the first argument). */
export function parseArgs(spec: OptionSpec | undefined, words: readonly Word[]): ParsedArgs {
  const options: OptionUse[] = [];
  const operands: Word[] = [];
  let subcommand: Word | null = null;
  const top = compiled(spec ?? NO_SPEC);
  const aliases = top.aliases;
  let cur: CompiledSpec = top.subcommand && top.global !== null ? top.global : top;
  let endOfOptions = false;
  let i = 0;
  // tar's old style: `tar xzvf file.tgz -C dir`
  if (top.tarStyle && words.length > 0) {
    const w0 = words[0]!;
    const v = w0.value;
    if (v !== null && v !== '' && !v.startsWith('-') && /^[A-Za-z]+$/.test(v)) {
      i = 1;
      for (const ch of v) {
        if (top.shortValued.includes(ch)) addOption(options, aliases, '-' + ch, words[i++] ?? null, w0);
        else addOption(options, aliases, '-' + ch, null, w0);
      }
    }
  }
  for (; i < words.length; i++) {
    const w = words[i]!;
    const v = w.value ?? w.prefix;
    const stat = w.value !== null;
    if (endOfOptions || v.length < 2 || (v[0] !== '-' && !(cur.plusOptions && v[0] === '+'))) {
      // operand (or a dynamic word that does not start like an option)
      if (top.subcommand && subcommand === null && !endOfOptions) {
        subcommand = w;
        cur = top;
        if (top.stopAtOperand) endOfOptions = true;
        continue;
      }
      operands.push(w);
      if (cur.stopAtOperand) endOfOptions = true;
      continue;
    }
    if (v === '--' && stat && !cur.noDashDash) {
      endOfOptions = true;
      continue;
    }
    const long = v.startsWith('--') || (cur.goStyle && v[0] === '-');
    if (long) {
      const eq = v.indexOf('=');
      if (eq >= 0) {
        const name = v.slice(0, eq);
        addOption(options, aliases, normGo(cur, name), subWord(w, eq + 1), w);
        if (cur.terminating.has(name)) endOfOptions = true;
        continue;
      }
      if (!stat) {
        operands.push(w);
        continue;
      }
      const name = normGo(cur, v);
      if (cur.longValued.has(name) || (cur.goStyle && cur.longValued.has('-' + name.replace(/^-+/, '')))) {
        addOption(options, aliases, name, words[i + 1] ?? null, w);
        i++;
      } else addOption(options, aliases, name, null, w);
      if (cur.terminating.has(name)) endOfOptions = true;
      continue;
    }
    // short cluster
    if (!stat && v.length < 2) {
      operands.push(w);
      continue;
    }
    const body = v.slice(1);
    const strict = cur.strictShort;
    if (strict !== null && !allIn(body, strict)) {
      operands.push(w);
      if (cur.stopAtOperand) endOfOptions = true;
      continue;
    }
    const sign = v[0]!;
    for (let k = 0; k < body.length; k++) {
      const ch = body[k]!;
      const name = sign + ch;
      if (cur.shortValued.includes(ch)) {
        if (k + 1 < body.length || (!stat && w.prefix.length > k + 2)) addOption(options, aliases, name, subWord(w, k + 2), w);
        else if (!stat) addOption(options, aliases, name, subWord(w, k + 2), w);
        else {
          addOption(options, aliases, name, words[i + 1] ?? null, w);
          i++;
        }
        if (cur.terminating.has(name)) endOfOptions = true;
        break;
      }
      addOption(options, aliases, name, null, w);
      if (cur.terminating.has(name)) endOfOptions = true;
    }
  }
  // exact-size copies: an array grown by `push` keeps room for 16 more elements, and parsed arguments stay with the
  // model (cached on the command) while its file is audited
  return { options: options.length === 0 ? NO_OPTIONS : options.slice(), operands: operands.length === 0 ? NO_WORDS : operands.slice(), subcommand };
}
const NO_OPTIONS: readonly OptionUse[] = Object.freeze([]);
const NO_WORDS: readonly Word[] = Object.freeze([]);

/** Whether every character of `s` (a UTF-16 unit at a time: `strict` holds only ASCII letters) is in `set`. */
function allIn(s: string, set: string): boolean {
  for (let k = 0; k < s.length; k++) if (!set.includes(s[k]!)) return false;
  return true;
}

/** Records an option use (a function, not a closure made per `parseArgs` call: that runs for every command). */
function addOption(options: OptionUse[], aliases: ReadonlyMap<string, string>, name: string, value: Word | null, word: Word): void {
  options.push({ name, canonical: aliases.get(name) ?? name, value, word });
}

function normGo(spec: CompiledSpec, name: string): string {
  return spec.goStyle ? '-' + name.replace(/^-+/, '') : name;
}
