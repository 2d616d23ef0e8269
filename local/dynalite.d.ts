// dynalite ships no types: the slice of its API local/dynamo-server.ts uses (see its index.js).
declare module "dynalite" {
  import type { Server } from "node:http";

  interface DynaliteOptions {
    /** Milliseconds a new table stays CREATING (default 500). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    /** A LevelDB directory; in memory when absent. */
    path?: string;
    verbose?: boolean;
  }

  /** An http.Server whose close() also closes the store (after in-flight operations). */
  export default function dynalite(options?: DynaliteOptions): Server;
}
