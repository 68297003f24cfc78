package org.wsemail.endpoint.internal;

import java.security.cert.X509Certificate;
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
import org.wsemail.wire.security.ResponseSignatures;

/**
 * {@value SoapIntents#SIGNED_ANSWERS}: every answer, faults included, signed with this server's
 * answer key ({@link TlsCredentials#answerKey}).
 */
@Component(service = Feature.class, property = Intent.NAME + "=" + SoapIntents.SIGNED_ANSWERS)
public class SignedAnswersIntent extends Intent {
    private final List<Interceptor<? extends Message>> signer;

    @Activate
    public SignedAnswersIntent(@Reference TlsCredentials tls) {
        X509KeyManager serverKey = (X509KeyManager) tls.keyManagers()[0];
        TlsCredentials.AnswerKey answers = tls.answerKey();
        this.signer = Buses.withBundleClassLoader(() -> ResponseSignatures.signer(serverKey, answers.key(),
                answers.chain().toArray(new X509Certificate[0]), answers.edDsa()));
    }

    @Override
    List<Interceptor<? extends Message>> out() {
        return signer;
    }

    @Override
    List<Interceptor<? extends Message>> outFault() {
        return signer;
    }
}
