/** Global options every command shares (contract.md, "Global options"). */
export interface GlobalOptions {
  configDir?: string;
  db?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  trace?: string;
}

export function configDirOf(g: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  return g.configDir ?? env.MLSYNC_CONFIG_DIR ?? './configs';
}
