import { z } from 'zod';

/** Settings of the signature service, from the environment with embedded defaults. */
const schema = z.object({
  /** A signing link stops working this many days after its round opened. */
  SIGNING_LINK_TTL_DAYS: z.coerce.number().positive().default(30),
  /** The portal's page a signing link opens (复制签章链接): PUBLIC_URL + this + /<token>. */
  SIGNING_LINK_PATH: z.string().default('/sign'),
});

let cached: z.infer<typeof schema> | undefined;
export function signatureSettings() {
  cached ??= schema.parse(process.env);
  return cached;
}
