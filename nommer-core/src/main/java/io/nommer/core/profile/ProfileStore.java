package io.nommer.core.profile;

import java.util.List;
import java.util.Optional;

/**
 * Users' named profiles, each its tenant's own: a name is unique within a tenant, and no call reaches another
 * tenant's profiles. {@code ProfileStoreContract} in the store module's tests states the behaviour.
 */
public interface ProfileStore {

    /** Creates or replaces a stored profile: {@code fields} are the user's own, laid over {@code preset}. */
    StoredProfile put(String tenant, String name, String preset, Profile fields);

    Optional<StoredProfile> find(String tenant, String name);

    /** Every profile {@code tenant} stored, by name. */
    List<StoredProfile> list(String tenant);

    /** Returns false when {@code tenant} had no such profile. */
    boolean delete(String tenant, String name);
}
