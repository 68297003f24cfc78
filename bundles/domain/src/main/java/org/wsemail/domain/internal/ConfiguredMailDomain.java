package org.wsemail.domain.internal;

import java.util.Locale;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.wsemail.api.Address;
import org.wsemail.api.server.MailDomain;

/**
 * The server's mail domain, from {@value #PID}. Registered only once the domain is configured, so
 * that nothing starts serving mail for a domain nobody chose.
 */
@Component(service = MailDomain.class, configurationPid = ConfiguredMailDomain.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ConfiguredMailDomain.Config.class)
public class ConfiguredMailDomain implements MailDomain {
    static final String PID = "org.wsemail.server";

    @ObjectClassDefinition(name = "WSEmail server", description = "The mail domain this server serves.")
    public @interface Config {
        @AttributeDefinition(name = "Mail domain", description = "e.g. a.example; users are local@<domain>")
        String domain();
    }

    private final String name;

    @Activate
    public ConfiguredMailDomain(Config config) {
        // Address validates the domain name and puts it in lower case.
        this.name = Address.of("postmaster", config.domain().trim().toLowerCase(Locale.ROOT)).domain();
    }

    @Override
    public String name() {
        return name;
    }
}
