import { getSecret } from "@aws-lambda-powertools/parameters/secrets";

// Secrets are cached across warm invocations: one Secrets Manager call per container per TTL.
export const SECRET_CACHE_SECONDS = 300;

/** A secret's string, trimmed; `forceFetch` skips the cache (after TikTok says a token is bad). */
export async function readSecretString(arn: string, forceFetch = false): Promise<string> {
  const value = await getSecret(arn, { maxAge: SECRET_CACHE_SECONDS, forceFetch });
  // The stack creates the token secret holding a REPLACE_ME placeholder until the user stores the token.
  if (typeof value !== "string" || value.trim() === "" || value.startsWith("REPLACE_ME")) {
    throw new Error(
      `secret ${arn} is empty, binary or still the placeholder: store a string with 'aws secretsmanager put-secret-value --secret-id ${arn} --secret-string <value>'`,
    );
  }
  return value.trim();
}
