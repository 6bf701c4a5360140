package io.nommer.core.auth;

import java.util.Locale;

/** What an API key may do: {@code admin} runs the whole farm, {@code tenant} sees and makes its tenant's data only. */
public enum Role {
    ADMIN,
    TENANT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but {@code admin} or {@code tenant} */
    public static Role parse(String s) {
        for (Role r : values()) {
            if (r.wireName().equals(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException("role must be admin or tenant, not '" + s + "'");
    }
}
