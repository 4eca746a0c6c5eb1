package io.moducop.apps;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of an OCI layout (index.json, manifests, configs), read strictly: at most
 * {@link #MAX_BYTES}, UTF-8, one JSON object, no duplicate keys, and each field read with its
 * spec's type (a size is a non-negative integer, not "12" or 1e3). A problem is
 * {@link OciLayout.Damaged}, its message naming what was read.
 */
final class OciJson {

    /**
     * 4 MiB: what skopeo (containers/image's iolimits MaxManifestBodySize and MaxConfigBodySize),
     * which fills the cache, and the distribution registry accept for a manifest or config; an
     * index.json of 4 MiB names over ten thousand images.
     */
    static final int MAX_BYTES = 4 << 20;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private OciJson() {
    }

    /** A JSON object and what it is, for messages ("index.json", "the manifest sha256:..."). */
    record Obj(JsonNode node, String what) {

        String string(String field) throws OciLayout.Damaged {
            return required(field, optionalString(field));
        }

        /** Absent or null (the OCI spec: an optional field set to null is absent) is null. */
        String optionalString(String field) throws OciLayout.Damaged {
            JsonNode v = optional(field, JsonNode::isTextual, "a string");
            return v == null ? null : v.textValue();
        }

        long size(String field) throws OciLayout.Damaged {
            JsonNode v = node.get(field);
            if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new OciLayout.Damaged(what + ": " + field + " is not a size in bytes");
            }
            return v.longValue();
        }

        /** The OCI and Docker manifest, index and layout formats this reads are all schemaVersion 2. */
        void schemaVersion2() throws OciLayout.Damaged {
            JsonNode v = node.get("schemaVersion");
            if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != 2) {
                throw new OciLayout.Damaged(what + ": schemaVersion is not 2");
            }
        }

        Obj object(String field) throws OciLayout.Damaged {
            return required(field, optionalObject(field));
        }

        Obj optionalObject(String field) throws OciLayout.Damaged {
            JsonNode v = optional(field, JsonNode::isObject, "an object");
            return v == null ? null : new Obj(v, what + " " + field);
        }

        private <T> T required(String field, T value) throws OciLayout.Damaged {
            if (value == null) {
                throw new OciLayout.Damaged(what + " has no " + field);
            }
            return value;
        }

        /** The field's node if {@code is} accepts it; null when absent or null; refused as not {@code kind} otherwise. */
        private JsonNode optional(String field, java.util.function.Predicate<JsonNode> is, String kind) throws OciLayout.Damaged {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!is.test(v)) {
                throw new OciLayout.Damaged(what + ": " + field + " is not " + kind);
            }
            return v;
        }

        /** An array of objects. */
        List<Obj> objects(String field) throws OciLayout.Damaged {
            JsonNode v = node.get(field);
            if (v == null || !v.isArray()) {
                throw new OciLayout.Damaged(what + ": " + field + " is not an array");
            }
            List<Obj> out = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isObject()) {
                    throw new OciLayout.Damaged(what + ": " + field + "[" + i + "] is not an object");
                }
                out.add(new Obj(v.get(i), what + " " + field + "[" + i + "]"));
            }
            return out;
        }
    }

    static Obj parse(byte[] bytes, String what) throws OciLayout.Damaged {
        if (bytes.length > MAX_BYTES) {
            throw new OciLayout.Damaged(what + " is larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new OciLayout.Damaged(what + " is not UTF-8 text");
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            // the location is given above; Jackson's own ("[Source: ...]") says nothing more
            why = why.replaceFirst("\\s*\\(for [^()]*\\[Source:.*$", "").replaceFirst("\\s*\\[Source:.*$", "");
            throw new OciLayout.Damaged(what + " is not valid JSON" + (at == null ? "" : " (line " + at.getLineNr() + ", column "
                    + at.getColumnNr() + ")") + ": " + (why.length() > 200 ? why.substring(0, 200) + "..." : why));
        }
        if (node == null || !node.isObject()) {
            throw new OciLayout.Damaged(what + " is not a JSON object");
        }
        return new Obj(node, what);
    }

    /**
     * A layout's file (index.json): a regular file, not a symbolic link, FIFO or device, of at most
     * {@link #MAX_BYTES}; its size is checked before it is opened and no more is ever read.
     */
    static byte[] read(Path file, String what) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            throw new OciLayout.Damaged(what + " is a symbolic link");
        }
        if (!a.isRegularFile()) {
            throw new OciLayout.Damaged(what + " is not a regular file");
        }
        if (a.size() > MAX_BYTES) {
            throw new OciLayout.Damaged(what + " is larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] b = in.readNBytes(MAX_BYTES + 1);
            if (b.length > MAX_BYTES) {
                throw new OciLayout.Damaged(what + " is larger than " + (MAX_BYTES >> 20) + " MiB");
            }
            return b;
        }
    }
}
