/**
 * Peer checks dockaudit deliberately does not implement, each with the reason. The compatibility page lists them next
 * to the implemented aliases, so every hadolint rule and every BuildKit check has a row.
 */
export interface NotImplemented {
  readonly id: string;
  readonly reason: string;
}

export const NOT_IMPLEMENTED: readonly NotImplemented[] = [
  {
    id: 'DL1001',
    reason:
      'Forbidding inline suppressions is a policy switch, not a check: dockaudit has `disableInlineIgnores` (and `requireIgnoreReason`) in its configuration and reports unused suppressions (DA102).',
  },
  {
    id: 'DL3010',
    reason:
      'It recommends ADD for extracting local archives; dockaudit recommends COPY (DA503) because ADD\'s implicit extraction of archives is a supply-chain risk, and extracting in RUN after a checksum check is the safer pattern.',
  },
  {
    id: 'DL4002',
    reason: 'No rule with this ID exists in hadolint\'s history.',
  },
  {
    id: 'InvalidBaseImagePlatform',
    reason:
      'It needs the base image\'s manifest from a registry; dockaudit never downloads anything while auditing.',
  },
  {
    id: 'InvalidDefinitionDescription',
    reason:
      'Experimental in BuildKit and a documentation-format convention (`# <name> <description>` above a stage or ARG); DA903 covers documentation in a way that matters for review.',
  },
];
