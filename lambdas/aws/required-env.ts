/** A setting the stack always gives a Lambda; missing means the function runs outside the stack. */
export function requiredEnv(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`${name} is not set: the stack sets it; deploy with 'npx cdk deploy'`);
  return value;
}
