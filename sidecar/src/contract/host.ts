/**
 * A destination host as the sidecar keeps it (`normalizeHost` of the egress policy applied first):
 * DNS labels or an IP literal, nothing that could carry a path, user, port or query. Hosts name
 * services, not people, and are stored as sent: a data flow's `destinationHost` is kept in an
 * event's details like a login's country.
 */
export const HOST_NAME = /^(?:(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*|[0-9a-f:.]{2,45})$/;
