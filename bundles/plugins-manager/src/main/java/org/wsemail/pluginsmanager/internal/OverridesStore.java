package org.wsemail.pluginsmanager.internal;

/** Where the plug-ins manager keeps administrators' overrides between restarts. */
interface OverridesStore {

    Overrides load();

    /** Persists the overrides; returns once they are stored. */
    void save(Overrides overrides);
}
