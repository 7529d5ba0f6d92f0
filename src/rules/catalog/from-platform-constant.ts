import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA205',
    name: 'from-platform-constant',
    category: 'base-image',
    severity: 'info',
    description: 'FROM `--platform` is set to a constant, which pins the stage to one architecture whatever the build target.',
    messages: {
      constant: (d: { platform: string }) =>
        `FROM --platform is the constant "${d.platform}": the image is always built for that platform; pass the platform with \`docker build --platform\` or use $BUILDPLATFORM/$TARGETPLATFORM.`,
    },
    aliases: ['FromPlatformFlagConstDisallowed', 'DL3029'],
  },
  check(model, ctx) {
    for (const stage of model.stages) {
      const flag = stage.from.flags.find((f) => f.name.toLowerCase() === 'platform');
      if (!flag || flag.value === null || flag.value === '' || flag.value.includes('$')) continue;
      ctx.report({ messageId: 'constant', data: { platform: flag.value }, range: flag.valueRange ?? flag.range });
    }
  },
  docs: {
    why:
      'A constant `--platform` forces the stage onto one architecture. On another host, the build silently runs ' +
      'under emulation or produces an image for the wrong target (an amd64 image tagged for an arm64 fleet), and ' +
      'multi-platform builds cannot work. When the pin is intended (a tool only published for amd64), suppress ' +
      'the finding with a justification.',
    bad: 'FROM --platform=linux/amd64 alpine:3.20\n',
    good: 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM alpine:3.20\n',
    fix:
      'Remove the flag and pass `--platform` to `docker build`, or use `$BUILDPLATFORM` for builder stages that ' +
      'cross-compile.',
    references: ['https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\n',
      { name: 'build platform', code: 'FROM --platform=${BUILDPLATFORM} golang:1.22 AS b\n' },
      { name: 'build argument', code: 'ARG P=linux/amd64\nFROM --platform=$P alpine:3.20\n' },
      { name: 'comment', code: '# FROM --platform=linux/amd64 alpine\nFROM alpine:3.20\n' },
      { name: 'COPY --platform is not FROM', code: 'FROM alpine:3.20\nRUN echo --platform=linux/amd64\n' },
    ],
    invalid: [
      {
        code: 'FROM --platform=linux/amd64 alpine:3.20\n',
        errors: [{ line: 1, column: 17, endLine: 1, endColumn: 28, messageId: 'constant' }],
      },
      {
        name: 'lower-case keyword, second stage',
        code: 'FROM alpine:3.20 AS a\nfrom --platform=linux/arm64/v8 debian:12\n',
        errors: [{ line: 2, column: 17, endColumn: 31 }],
      },
    ],
  },
});
