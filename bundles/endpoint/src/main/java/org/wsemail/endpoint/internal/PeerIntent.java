package org.wsemail.endpoint.internal;

import java.util.List;

import javax.net.ssl.X509KeyManager;

import org.apache.cxf.feature.Feature;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Message;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.wsemail.api.plugin.SoapIntents;
import org.wsemail.api.server.TlsCredentials;
import org.wsemail.wire.security.EncryptedDelivery;

/**
 * {@value SoapIntents#PEER}: what other mail servers call. A delivery that the sending server
 * encrypted to this server's certificate is decrypted; the traffic is counted. Who sent it is
 * proved by the message's own server signature, which the peer service checks.
 */
@Component(service = Feature.class, property = Intent.NAME + "=" + SoapIntents.PEER)
public class PeerIntent extends Intent {
    private final Interceptor<? extends Message> decryption;
    private final PeerTrafficCounter traffic;

    @Activate
    public PeerIntent(@Reference TlsCredentials tls, @Reference PeerTrafficCounter traffic) {
        this.decryption = EncryptedDelivery.decryptingWith((X509KeyManager) tls.keyManagers()[0]);
        this.traffic = traffic;
    }

    @Override
    List<Interceptor<? extends Message>> in() {
        return List.of(decryption, traffic.delivered.incoming());
    }

    @Override
    List<Interceptor<? extends Message>> out() {
        return List.of(traffic.delivered.outgoing());
    }

    @Override
    List<Interceptor<? extends Message>> outFault() {
        return List.of(traffic.delivered.outgoing());
    }
}
