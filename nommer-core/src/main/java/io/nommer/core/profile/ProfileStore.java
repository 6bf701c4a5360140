package io.nommer.core.profile;

import java.util.List;
import java.util.Optional;

/** Users' named profiles. {@code ProfileStoreContract} in the store module's tests states the behaviour. */
public interface ProfileStore {

    /** Creates or replaces a stored profile: {@code fields} are the user's own, laid over {@code preset}. */
    StoredProfile put(String name, String preset, Profile fields);

    Optional<StoredProfile> find(String name);

    /** Every stored profile, by name. */
    List<StoredProfile> list();

    /** Returns false when there was no such profile. */
    boolean delete(String name);
}
