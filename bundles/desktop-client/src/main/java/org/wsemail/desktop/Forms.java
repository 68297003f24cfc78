package org.wsemail.desktop;

import java.awt.GridBagConstraints;
import java.awt.Insets;

import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;

/** The one way the windows lay out a labelled field: label (with its key), field, and maybe a button. */
final class Forms {
    private Forms() {
    }

    /** Adds row {@code y} to a {@link java.awt.GridBagLayout} panel; {@code extra} may be null. */
    static void row(JPanel form, int y, String label, char mnemonic, JComponent field, JComponent extra) {
        JLabel text = new JLabel(label);
        text.setDisplayedMnemonic(mnemonic);
        text.setLabelFor(field);
        GridBagConstraints at = new GridBagConstraints();
        at.gridy = y;
        at.anchor = GridBagConstraints.LINE_START;
        at.insets = new Insets(4, 4, 4, 4);
        form.add(text, at);
        at.gridx = 1;
        at.fill = GridBagConstraints.HORIZONTAL;
        at.weightx = 1;
        form.add(field, at);
        if (extra != null) {
            at.gridx = 2;
            at.weightx = 0;
            form.add(extra, at);
        }
    }
}
