package org.wsemail.security.internal;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.server.FederatedTokens;
import org.wsemail.api.server.MailDomain;
import org.wsemail.security.Pki;
import org.wsemail.security.SamlTokens;
import org.wsemail.wire.security.DomainTls;

/** Issues federated identity tokens for this domain's users, signed with the server key. */
@Component(service = FederatedTokens.class, configurationPid = SecuritySettings.PID)
public class SamlTokenIssuer implements FederatedTokens {
    private static final Logger LOG = LoggerFactory.getLogger(SamlTokenIssuer.class);

    @ObjectClassDefinition(name = "WSEmail federated identity tokens")
    public @interface Config {
        @AttributeDefinition(name = "Token lifetime (s)", description = "How long a federated identity token this server issues is valid")
        int token_lifetime_seconds() default 300;
    }

    private final CredentialStores stores;
    private final String domainName;
    private volatile Duration lifetime;

    @Activate
    public SamlTokenIssuer(Config config, @Reference CredentialStores stores, @Reference MailDomain domain) {
        this.stores = stores;
        this.domainName = domain.name();
        modified(config);
    }

    /**
     * The settings file holds other components' keys too: a change to them must not take this
     * service (and the endpoints that use it) down and up again, so a change is taken in place.
     */
    @Modified
    void modified(Config config) {
        this.lifetime = Duration.ofSeconds(config.token_lifetime_seconds());
    }

    @Override
    public Element issue(Address user, X509Certificate userCertificate, String audienceDomain) {
        if (!user.domain().equals(domainName)) {
            throw new IllegalArgumentException(user + " is not a user of " + domainName + "; only a user's own domain vouches for them");
        }
        if (!DomainTls.mailAddresses(userCertificate).equals(Set.of(user.toString()))) {
            throw new IllegalArgumentException("the certificate does not name " + user);
        }
        X509Certificate server = stores.chain().get(0);
        Duration valid = lifetime;
        Element token = SamlTokens.issue(new Pki.CertifiedKey(new KeyPair(server.getPublicKey(), stores.key()), server),
                stores.chain(), domainName, user.toString(), userCertificate, audienceDomain, Instant.now(), valid);
        LOG.info("Issued a token for {} to present at {}, valid {} s", user, audienceDomain, valid.toSeconds());
        return token;
    }
}
