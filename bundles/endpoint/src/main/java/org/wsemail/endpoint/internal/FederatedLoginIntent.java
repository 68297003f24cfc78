package org.wsemail.endpoint.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.cxf.feature.Feature;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.ws.security.wss4j.DefaultCryptoCoverageChecker;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.dom.WSConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.plugin.SoapIntents;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.TrustedRoots;

/**
 * {@value SoapIntents#FEDERATED_LOGIN}: a visitor's request carries a SAML 2.0 holder-of-key token
 * from the visitor's home server (checked by {@link FederatedTokenValidator}), and a signature over
 * body and timestamp with the token's key (checked by {@link HolderOfKeyCheck}).
 */
@Component(service = Feature.class, configurationPid = EndpointSettings.PID,
        property = Intent.NAME + "=" + SoapIntents.FEDERATED_LOGIN)
public class FederatedLoginIntent extends LoginIntent {
    private final MailDomain domain;
    private final TrustedRoots roots;

    @Activate
    public FederatedLoginIntent(EndpointSettings settings, @Reference ReplayGuard replays, @Reference MailDomain domain,
            @Reference TrustedRoots roots) {
        super(settings, replays);
        this.domain = domain;
        this.roots = roots;
    }

    @Override
    AuthenticationMethod method() {
        return AuthenticationMethod.FEDERATED_TOKEN;
    }

    @Override
    Map<String, Object> wss4j() {
        Map<String, Object> props = signedRequests(settings,
                ConfigurationConstants.SAML_TOKEN_SIGNED + " " + ConfigurationConstants.SIGNATURE);
        props.put(ConfigurationConstants.VALIDATOR_MAP, validators(WSConstants.SAML2_TOKEN, new FederatedTokenValidator(domain, roots)));
        return props;
    }

    @Override
    List<Interceptor<? extends Message>> in() {
        List<Interceptor<? extends Message>> in = new ArrayList<>(super.in());
        in.add(new DefaultCryptoCoverageChecker());
        in.add(new HolderOfKeyCheck());
        in.add(new SignatureAlgorithmsCheck());
        in.add(signatureReplays());
        return in;
    }
}
