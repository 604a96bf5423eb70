export interface IdentityOptions {
  /** Lower-cased emails that get the admin role when they register. */
  adminEmails: readonly string[];
}
export const IDENTITY_OPTIONS = Symbol('IdentityOptions');
