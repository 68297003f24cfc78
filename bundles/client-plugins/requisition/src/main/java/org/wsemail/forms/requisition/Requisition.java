package org.wsemail.forms.requisition;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.wsemail.forms.spi.Field;
import org.wsemail.forms.spi.Field.Kind;
import org.wsemail.forms.spi.FormType;

/**
 * A purchase requisition: what is bought from whom, on which account, and its total (quantity times
 * unit price), which servers' routing rules read to decide who else must approve it.
 */
@Component(service = FormType.class)
public class Requisition implements FormType {
    private static final List<Field> FIELDS = List.of(
            Field.entered("vendor", "Vendor", Kind.TEXT, true),
            Field.entered("account", "Account", Kind.TEXT, true),
            Field.entered("description", "Description", Kind.TEXT, true),
            Field.entered("quantity", "Quantity", Kind.NUMBER, true),
            Field.entered("unit-price", "Unit price", Kind.NUMBER, true),
            Field.computed("total", "Total", Kind.NUMBER));

    @Override
    public String name() {
        return "requisition";
    }

    @Override
    public String title() {
        return "Purchase requisition";
    }

    @Override
    public List<Field> fields() {
        return FIELDS;
    }

    @Override
    public Map<String, String> complete(Map<String, String> entered) {
        Map<String, String> data = entered(entered);
        try {
            BigDecimal total = new BigDecimal(data.getOrDefault("quantity", "0"))
                    .multiply(new BigDecimal(data.getOrDefault("unit-price", "0")));
            data.put("total", total.setScale(2, RoundingMode.HALF_UP).toPlainString());
        } catch (NumberFormatException e) {
            data.remove("total");
        }
        return data;
    }

    @Override
    public List<String> validate(Map<String, String> data) {
        List<String> problems = new ArrayList<>(missing(data));
        for (String number : List.of("quantity", "unit-price")) {
            String value = data.getOrDefault(number, "");
            if (value.isBlank()) {
                continue;
            }
            try {
                if (new BigDecimal(value).signum() <= 0) {
                    problems.add(number + " must be more than 0, not " + value);
                }
            } catch (NumberFormatException e) {
                problems.add(number + " is not a number: " + value);
            }
        }
        return problems;
    }
}
