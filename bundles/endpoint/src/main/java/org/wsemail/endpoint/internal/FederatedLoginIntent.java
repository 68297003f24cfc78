package org.wsemail.endpoint.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.cxf.feature.Feature;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.ws.security.SecurityConstants;
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
    Map<String, Object> security() {
        Map<String, Object> props = signedRequests(settings);
        props.put(SecurityConstants.SAML2_TOKEN_VALIDATOR, new FederatedTokenValidator(domain, roots));
        return props;
    }

    @Override
    List<Interceptor<? extends Message>> in() {
        List<Interceptor<? extends Message>> in = new ArrayList<>(super.in());
        in.add(coverage());
        in.add(new HolderOfKeyCheck());
        in.add(new SignatureAlgorithmsCheck());
        in.add(signatureReplays());
        return in;
    }
}
