import { z } from 'zod';

const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be a valid email address' }));
const newPassword = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters');

export const registerBody = z.strictObject({
  username: z.string().trim().min(1, 'must not be empty').max(50),
  email,
  password: newPassword,
});

export const loginBody = z.strictObject({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(128),
});

export const updateMeBody = z
  .strictObject({
    username: z.string().trim().min(1, 'must not be empty').max(50).optional(),
    current_password: z.string().min(1).max(128).optional(),
    new_password: newPassword.optional(),
  })
  .refine((b) => b.username !== undefined || b.new_password !== undefined, {
    message: 'nothing to update: send username and/or new_password',
  });

export type RegisterBody = z.infer<typeof registerBody>;
export type LoginBody = z.infer<typeof loginBody>;
export type UpdateMeBody = z.infer<typeof updateMeBody>;
