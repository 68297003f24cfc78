package org.wsemail.pluginsmanager.internal;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Keeps the overrides in the Configuration Admin configuration {@value #PID}, which Karaf also
 * writes to {@code etc/org.wsemail.pluginsmanager.overrides.cfg}.
 */
final class ConfigAdminOverridesStore implements OverridesStore {
    static final String PID = "org.wsemail.pluginsmanager.overrides";

    private final ConfigurationAdmin configurationAdmin;

    ConfigAdminOverridesStore(ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
    }

    @Override
    public Overrides load() {
        try {
            return Overrides.fromProperties(configuration().getProperties());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration " + PID, e);
        }
    }

    @Override
    public void save(Overrides overrides) {
        try {
            Configuration configuration = configuration();
            var props = overrides.toProperties();
            var previous = configuration.getProperties();
            if (previous != null && previous.get("felix.fileinstall.filename") != null) {
                props.put("felix.fileinstall.filename", previous.get("felix.fileinstall.filename"));
            }
            configuration.update(props);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store configuration " + PID, e);
        }
    }

    private Configuration configuration() throws IOException {
        // "?" leaves the configuration unbound, so no bundle's location claims it.
        return configurationAdmin.getConfiguration(PID, "?");
    }
}
