package org.wsemail.api.server;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.Address;

/** The mail domain this server serves, from {@code etc/org.wsemail.server.cfg}. */
@ProviderType
public interface MailDomain {

    /** The domain name, in lower case, e.g. {@code a.example}. */
    String name();

    /** True if the address belongs to this server's domain. */
    default boolean isLocal(Address address) {
        return address.domain().equals(name());
    }

    /** The postmaster address, which signs bounces and which peer servers' certificates name. */
    default Address postmaster() {
        return Address.of("postmaster", name());
    }
}
