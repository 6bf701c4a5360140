package io.nommer.ffmpeg;

import io.nommer.core.compile.StreamRates;
import io.nommer.core.compile.StreamRates.Segment;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Corrects the MPD ffmpeg's dash muxer writes so that it declares what is true of the published segments:
 *
 * <ul>
 *   <li>no {@code bitstreamSwitching="true"}: the representations differ in resolution and each has its own
 *       initialization segment, so their segments cannot be appended to one another's;
 *   <li>{@code minBufferTime} is the longest segment, the least a client must hold to play one whole segment;
 *   <li>each Representation's {@code @bandwidth} is computed from its segments' sizes with that buffer, as the
 *       standard defines it (see {@link StreamRates#dashBandwidth}), instead of the encoder's target;
 *   <li>audio has as many segments as video. The muxer cuts audio both at the video's keyframes (by decode time,
 *       which B-frames put ahead of presentation time) and by the audio's own clock, which leaves a last audio
 *       segment of a few milliseconds after the video's last one; it is appended to the segment before it, a
 *       segment may hold several fragments.
 * </ul>
 */
final class DashManifests {
    private static final String MPD_NS = "urn:mpeg:dash:schema:mpd:2011";
    private static final Pattern IDENTIFIER = Pattern.compile("\\$(RepresentationID|Number|Time)(%0(\\d+)d)?\\$");

    private DashManifests() {}

    /** Rewrites the MPD at {@code mpd}, whose segments lie beside it. */
    static void correct(Path mpd) throws IOException {
        Files.writeString(mpd, corrected(Files.readString(mpd, StandardCharsets.UTF_8), mpd), StandardCharsets.UTF_8);
    }

    static String corrected(String xml, Path mpd) throws IOException {
        Document doc = parse(xml);
        Element root = doc.getDocumentElement();
        List<Rep> reps = new ArrayList<>();
        for (Element r : elements(root, "Representation")) {
            reps.add(rep(r, mpd));
        }
        if (reps.isEmpty()) {
            throw new IOException(mpd + " has no Representation");
        }
        int videoSegments = reps.stream()
                .filter(Rep::video)
                .mapToInt(r -> r.segments().size())
                .min()
                .orElse(0);
        double longest = 0;
        for (int i = 0; i < reps.size(); i++) {
            Rep r = reps.get(i);
            if (!r.video() && videoSegments > 0 && r.segments().size() > videoSegments) {
                r = mergeTail(r, videoSegments, mpd);
                reps.set(i, r);
            }
            for (SegmentFile f : r.segments()) {
                longest = Math.max(longest, r.seconds(f));
            }
        }
        double minBuffer = Math.ceil(longest * 1000) / 1000;
        root.setAttribute("minBufferTime", String.format(Locale.ROOT, "PT%.3fS", minBuffer));
        for (Element set : elements(root, "AdaptationSet")) {
            set.removeAttribute("bitstreamSwitching");
        }
        for (Rep r : reps) {
            List<Segment> segments = new ArrayList<>();
            for (SegmentFile f : r.segments()) {
                segments.add(new Segment(r.seconds(f), Files.size(mpd.resolveSibling(f.name()))));
            }
            long init = r.init() == null ? 0 : Files.size(mpd.resolveSibling(r.init()));
            r.element().setAttribute("bandwidth", Long.toString(StreamRates.dashBandwidth(segments, init, minBuffer)));
        }
        return serialize(doc);
    }

    /** A Representation as its MPD describes it: its segments in order, with their durations in its timescale. */
    private record Rep(
            Element element, Element timeline, boolean video, long timescale, String init, List<SegmentFile> segments) {
        double seconds(SegmentFile f) {
            return (double) f.duration() / timescale;
        }
    }

    private record SegmentFile(String name, long time, long duration) {}

    private static Rep rep(Element r, Path mpd) throws IOException {
        Element template = template(r, mpd);
        String id = r.getAttribute("id");
        long timescale = longAttribute(template, "timescale", 1);
        long number = longAttribute(template, "startNumber", 1);
        String media = template.getAttribute("media");
        List<Element> timeline = children(template, "SegmentTimeline");
        if (timeline.isEmpty() || media.isEmpty()) {
            throw new IOException(mpd + ": Representation " + id + " has no SegmentTimeline or media template");
        }
        List<SegmentFile> segments = new ArrayList<>();
        long time = 0;
        for (Element s : children(timeline.getFirst(), "S")) {
            time = longAttribute(s, "t", time);
            long d = longAttribute(s, "d", -1);
            long repeat = longAttribute(s, "r", 0);
            if (d <= 0 || repeat < 0) {
                throw new IOException(mpd + ": Representation " + id + " has an S without a duration or with r < 0");
            }
            for (long k = 0; k <= repeat; k++) {
                segments.add(new SegmentFile(existing(mpd, expand(media, id, number, time)), time, d));
                number++;
                time += d;
            }
        }
        String init = template.getAttribute("initialization");
        String mime = r.getAttribute("mimeType").isEmpty()
                ? ((Element) r.getParentNode()).getAttribute("mimeType")
                : r.getAttribute("mimeType");
        boolean video = mime.startsWith("video/")
                || ((Element) r.getParentNode()).getAttribute("contentType").equals("video");
        return new Rep(
                r,
                timeline.getFirst(),
                video,
                timescale,
                init.isEmpty() ? null : existing(mpd, expand(init, id, 0, 0)),
                segments);
    }

    /**
     * Appends the segments after the first {@code keep} to the last one kept (their fragments, without the
     * segment-level boxes), corrects that segment's index, deletes the appended files and rewrites the timeline.
     */
    private static Rep mergeTail(Rep r, int keep, Path mpd) throws IOException {
        List<SegmentFile> kept = new ArrayList<>(r.segments().subList(0, keep));
        SegmentFile last = kept.getLast();
        long duration = last.duration();
        for (SegmentFile tail : r.segments().subList(keep, r.segments().size())) {
            Fmp4Segments.append(
                    mpd.resolveSibling(last.name()), mpd.resolveSibling(tail.name()), tail.duration(), r.timescale());
            Files.delete(mpd.resolveSibling(tail.name()));
            duration += tail.duration();
        }
        kept.set(keep - 1, new SegmentFile(last.name(), last.time(), duration));
        writeTimeline(r.timeline(), kept);
        return new Rep(r.element(), r.timeline(), r.video(), r.timescale(), r.init(), kept);
    }

    /** Replaces a SegmentTimeline's S elements with {@code segments}, equal durations in a row folded into r. */
    private static void writeTimeline(Element timeline, List<SegmentFile> segments) {
        while (timeline.getFirstChild() != null) {
            timeline.removeChild(timeline.getFirstChild());
        }
        Document doc = timeline.getOwnerDocument();
        for (int i = 0; i < segments.size(); ) {
            int j = i;
            while (j + 1 < segments.size()
                    && segments.get(j + 1).duration() == segments.get(i).duration()) {
                j++;
            }
            Element s = doc.createElementNS(MPD_NS, "S");
            if (i == 0) {
                s.setAttribute("t", Long.toString(segments.getFirst().time()));
            }
            s.setAttribute("d", Long.toString(segments.get(i).duration()));
            if (j > i) {
                s.setAttribute("r", Long.toString(j - i));
            }
            timeline.appendChild(s);
            i = j + 1;
        }
    }

    /** The Representation's SegmentTemplate, or its AdaptationSet's. */
    private static Element template(Element representation, Path mpd) throws IOException {
        for (Node n = representation; n instanceof Element e; n = n.getParentNode()) {
            List<Element> own = children(e, "SegmentTemplate");
            if (!own.isEmpty()) {
                return own.getFirst();
            }
        }
        throw new IOException(
                mpd + ": Representation " + representation.getAttribute("id") + " has no SegmentTemplate");
    }

    /** A template with its identifiers filled in (ISO/IEC 23009-1, 5.3.9.4.4). */
    static String expand(String template, String id, long number, long time) {
        Matcher m = IDENTIFIER.matcher(template.replace("$$", "\u0000"));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "RepresentationID" -> id;
                case "Number" -> Long.toString(number);
                default -> Long.toString(time);
            };
            if (m.group(3) != null && !m.group(1).equals("RepresentationID")) {
                value = String.format(Locale.ROOT, "%0" + m.group(3) + "d", Long.parseLong(value));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().replace('\u0000', '$');
    }

    /** {@code name}, a file that must have been written beside the MPD. */
    private static String existing(Path mpd, String name) throws IOException {
        if (name.contains("/") || !Files.isRegularFile(mpd.resolveSibling(name))) {
            throw new IOException(mpd + " refers to " + name + ", which was not written beside it");
        }
        return name;
    }

    private static long longAttribute(Element e, String name, long absent) throws IOException {
        String v = e.getAttribute(name);
        if (v.isEmpty()) {
            return absent;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException ex) {
            throw new IOException("the MPD's " + e.getLocalName() + "@" + name + " is not a number: " + v, ex);
        }
    }

    private static List<Element> elements(Element root, String name) {
        NodeList list = root.getElementsByTagNameNS(MPD_NS, name);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && MPD_NS.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    private static Document parse(String xml) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot read the MPD ffmpeg wrote: " + e.getMessage(), e);
        }
    }

    private static String serialize(Document doc) throws IOException {
        try {
            TransformerFactory f = TransformerFactory.newInstance();
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            var t = f.newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter out = new StringWriter().append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
            t.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IOException("cannot write the MPD: " + e.getMessage(), e);
        }
    }
}
