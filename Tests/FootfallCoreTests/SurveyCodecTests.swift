import FootfallCore
import Testing

@Suite struct SurveyCodecTests {
    @Test func aSurveyWithCoordinatesAndZonesRoundTripsExactly() throws {
        let samples = [
            SurveySample(time: 10.5, sensor: "s1", device: "phone", rssi: -61, point: Point(x: 3.25, y: 4), zone: "produce"),
            SurveySample(time: 11, sensor: "s2", device: "phone", rssi: -70, point: nil, zone: "bakery"),
        ]
        let text = SurveyCodec.surveyText(samples)
        #expect(try SurveyCodec.readSurvey(text: text) == samples)
        #expect(SurveyCodec.surveyText(try SurveyCodec.readSurvey(text: text)) == text)
    }

    /// A survey's readings are held to what a trace's are: an RSSI a radio reports, a time a
    /// clock gives; a fit over a reading of 45 dBm would bend every sensor's model.
    @Test func aSurveyReadingNoRadioOrClockGivesIsRefusedOnItsLine() throws {
        let loud = try #require(throws: FormatError.self) {
            try SurveyCodec.readSurvey(text: "time,sensor,device,rssi,x,y\n1,s1,p,-60,1,2\n2,s1,p,45,1,2\n", name: "survey.csv")
        }
        #expect(loud.description == "survey.csv:3:8: rssi: 45 is not an RSSI a radio reports; give dBm between -128 and 20, like -67")
        let late = try #require(throws: FormatError.self) {
            try SurveyCodec.readSurvey(text: "time,sensor,device,rssi,x,y\n1767603600123,s1,p,-60,1,2\n", name: "survey.csv")
        }
        #expect(late.line == 2)
        #expect(late.field == "time")
        #expect(late.message.hasSuffix("send seconds, not milliseconds"))
    }

    @Test func aSurveyPointWithNeitherCoordinatesNorZoneIsRejected() throws {
        let error = try #require(throws: FormatError.self) {
            try SurveyCodec.readSurvey(text: "time,sensor,device,rssi,x,y,zone\n1,s1,p,-60,,,\n", name: "survey.csv")
        }
        #expect(error.line == 2)
        #expect(error.message.contains("coordinates x,y or a zone"))
    }

    @Test func aTruthFileRoundTripsExactly() throws {
        let samples = [
            TruthSample(time: 1, device: "d1", position: Point(x: 1.5, y: 2.25), zone: "entrance"),
            TruthSample(time: 2, device: "d1", position: Point(x: -3, y: 2), zone: nil),
        ]
        let text = SurveyCodec.truthText(samples)
        #expect(try SurveyCodec.readTruth(text: text) == samples)
    }

    @Test func aNonNumericTruthCoordinateNamesTheColumn() throws {
        let error = try #require(throws: FormatError.self) {
            try SurveyCodec.readTruth(text: "time,device,x,y\n1,d1,1.0,north\n", name: "truth.csv")
        }
        #expect(error.description == "truth.csv:2:10: y: 'north' is not a number; give metres in the store's frame, like 12.5")
    }
}
