package io.nommer.core.auth;

/**
 * Who a request acts as: a tenant, and whether it is the farm's admin.
 *
 * @param keyId the API key that proved it, or null when authentication is off
 */
public record Principal(String tenant, Role role, String keyId) {
    /** The tenant everything belongs to when authentication is off, and jobs made before tenants existed. */
    public static final String DEFAULT_TENANT = "default";

    /** Who every request is when authentication is off: the admin of the default tenant. */
    public static final Principal LOCAL = new Principal(DEFAULT_TENANT, Role.ADMIN, null);

    public boolean admin() {
        return role == Role.ADMIN;
    }

    /** Whether this principal may see what {@code owner} made: its own tenant's things, or anything for the admin. */
    public boolean sees(String owner) {
        return admin() || tenant.equals(owner == null ? DEFAULT_TENANT : owner);
    }
}
