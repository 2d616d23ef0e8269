// Imported first by every command: the AWS SDK prints a 9-line notice on each run under Node 20 (its releases
// after January 2027 need Node 22). One line of ours says the same, with what to do, and the SDK's is off.
// Whoever already turned the SDK's notice off (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) gets neither.

const major = Number(process.versions.node.split(".")[0]);
if (process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  if (major < 22) {
    process.stderr.write(
      `note: Node ${process.versions.node} works, but AWS SDK releases after January 2027 need Node 22: upgrade when you can.\n`,
    );
  }
}
