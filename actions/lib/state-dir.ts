/**
 * Where the command line keeps its state when no one says otherwise: the embedded PostgreSQL
 * cluster, training runs' artifacts and the local registry, relative to the working directory.
 */
export const DEFAULT_STATE_DIR = '.freshet';
