package org.wsemail.testing;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Component configurations for unit tests: an instance of a component's configuration annotation
 * type with its declared defaults, and the values a test sets, instead of a hand-written anonymous
 * class per test:
 *
 * <pre>{@code
 * SizeLimit.Config config = Configs.of(SizeLimit.Config.class).with("max_body_kib", 1L).build();
 * }</pre>
 *
 * A value is named as the annotation's method is; setting one the type lacks, or one of the wrong
 * type, fails at once.
 */
public final class Configs<T> {
    private final Class<T> type;
    private final Map<String, Object> values = new HashMap<>();

    private Configs(Class<T> type) {
        if (!type.isAnnotation()) {
            throw new IllegalArgumentException(type.getName() + " is not a configuration annotation type");
        }
        this.type = type;
    }

    /** A builder of configurations of this type. */
    public static <T> Configs<T> of(Class<T> type) {
        return new Configs<>(type);
    }

    /** The type's defaults alone. */
    public static <T> T defaults(Class<T> type) {
        return of(type).build();
    }

    /** Sets one value. */
    public Configs<T> with(String name, Object value) {
        Method method;
        try {
            method = type.getMethod(name);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type.getSimpleName() + " has no value '" + name + "'", e);
        }
        Class<?> wanted = boxed(method.getReturnType());
        if (!wanted.isInstance(value)) {
            throw new IllegalArgumentException(type.getSimpleName() + "." + name + " is a " + wanted.getSimpleName()
                    + ", not " + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        values.put(name, value);
        return this;
    }

    /** The configuration: the values set, else the declared defaults. */
    public T build() {
        Map<String, Object> fixed = Map.copyOf(values);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "annotationType":
                    return type;
                case "toString":
                    return type.getSimpleName() + fixed;
                case "hashCode":
                    return fixed.hashCode();
                case "equals":
                    return proxy == args[0];
                default:
                    break;
            }
            Object value = fixed.containsKey(method.getName()) ? fixed.get(method.getName()) : method.getDefaultValue();
            if (value == null) {
                throw new IllegalStateException(type.getSimpleName() + "." + method.getName() + " has no default; set it");
            }
            return value;
        }));
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return switch (type.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "boolean" -> Boolean.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            default -> Character.class;
        };
    }
}
