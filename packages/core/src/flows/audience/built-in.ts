import type { Audience } from '../../domain/audience.js'

/**
 * Audiences every loop has without defining them; their ids are reserved. `followers`: everyone
 * following the official account now.
 *
 * @example
 * ```ts
 * await loop.audiences.count('followers')
 * ```
 */
export const builtInAudiences: Readonly<Record<string, Audience>> = {
  followers: { id: 'followers', name: 'Followers', where: { followed: true }, createdAt: 0, updatedAt: 0 },
}
