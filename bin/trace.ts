import "./node-notice";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { guarded } from "../cli/errors";
import { runTrace } from "../cli/trace";
import { parseTraceArgs } from "../cli/trace-args";

// `npm run trace -- <event_id> ...`: did this event reach TikTok? The exit code answers too (see --help).

process.exitCode = await guarded(
  async () =>
    runTrace(parseTraceArgs(process.argv.slice(2)), {
      env: process.env,
      print: console.log,
      cloudFormation: () => new CloudFormationClient({}),
    }),
  console.error,
);
