package io.nommer.ffmpeg;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Derives a Smooth Streaming server manifest (the .ism, SMIL) from the client manifest (.ismc) ffmpeg's
 * smoothstreaming muxer wrote for the same .ismv. The server maps a client's {@code QualityLevels(bitrate)} request
 * to a track through the .ism, so each entry takes its {@code systemBitrate} from the client manifest's
 * {@code Bitrate}. Track IDs follow the .ismv's track order, which is the order the client manifest lists its quality
 * levels in: every video level first, then audio (nommer's plans map video before audio), numbered from 1.
 */
final class SmoothServerManifests {
    private SmoothServerManifests() {}

    /** One track of the .ismv as both manifests see it. */
    record Track(String type, int trackId, long bitrate) {}

    static List<Track> tracks(String clientManifestXml) {
        Element root = parse(clientManifestXml);
        List<Track> tracks = new ArrayList<>();
        for (String type : List.of("video", "audio")) {
            NodeList indexes = root.getElementsByTagName("StreamIndex");
            for (int i = 0; i < indexes.getLength(); i++) {
                Element index = (Element) indexes.item(i);
                if (!type.equals(index.getAttribute("Type"))) {
                    continue;
                }
                NodeList levels = index.getElementsByTagName("QualityLevel");
                for (int j = 0; j < levels.getLength(); j++) {
                    String bitrate = ((Element) levels.item(j)).getAttribute("Bitrate");
                    tracks.add(new Track(type, tracks.size() + 1, Long.parseLong(bitrate)));
                }
            }
        }
        if (tracks.isEmpty()) {
            throw new IllegalArgumentException("the client manifest lists no quality levels");
        }
        return tracks;
    }

    static String serverManifest(String clientManifestXml, String mediaName, String clientManifestName) {
        StringBuilder s = new StringBuilder()
                .append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
                .append("<smil xmlns=\"http://www.w3.org/2001/SMIL20/Language\">\n")
                .append("  <head>\n")
                .append("    <meta name=\"clientManifestRelativePath\" content=\"")
                .append(xml(clientManifestName))
                .append("\"/>\n")
                .append("  </head>\n")
                .append("  <body>\n")
                .append("    <switch>\n");
        for (Track t : tracks(clientManifestXml)) {
            s.append("      <")
                    .append(t.type())
                    .append(" src=\"")
                    .append(xml(mediaName))
                    .append("\" systemBitrate=\"")
                    .append(t.bitrate())
                    .append("\">\n")
                    .append("        <param name=\"trackID\" value=\"")
                    .append(t.trackId())
                    .append("\" valuetype=\"data\"/>\n")
                    .append("      </")
                    .append(t.type())
                    .append(">\n");
        }
        return s.append("    </switch>\n  </body>\n</smil>\n").toString();
    }

    private static Element parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder()
                    .parse(new InputSource(new StringReader(xml)))
                    .getDocumentElement();
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the Smooth Streaming client manifest: " + e.getMessage(), e);
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;")
                .replace("\"", "&quot;")
                .replace("<", "&lt;")
                .replace(">", "&gt;");
    }
}
