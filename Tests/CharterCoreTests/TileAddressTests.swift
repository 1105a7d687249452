import CharterCore
import Testing

@Suite struct TileAddressTests {
    func parse(_ path: String) -> TileAddress? {
        TileAddress(path: path.split(separator: "/"))
    }

    @Test func pathsAreReadAsTlogTilesWritesThem() throws {
        let tile = try #require(parse("0/x001/x234/067"))
        #expect((tile.level, tile.index, tile.width) == (0, 1_234_067, 256))
        let partial = try #require(parse("entries/x001/234.p/17"))
        #expect((partial.level, partial.index, partial.width) == (nil, 1234, 17))
        #expect(partial.start == 1234 * 256)
    }

    @Test(arguments: [0, 7, 999, 1000, 1_234_067, TileAddress.maximumIndex])
    func writingThenReadingGivesTheSameAddress(index: Int) throws {
        for level in [nil, 0, 63] as [Int?] {
            for width in [1, 255, 256] {
                let address = try #require(TileAddress(level: level, index: index, width: width))
                #expect(parse(address.path) == address)
            }
        }
    }

    @Test(arguments: [
        "0/x999/x999/x999/x999/x999/x999/999", "entries/x999/x999/x999/x999/x999/x999/x999/999.p/255",
        "0/x072/x057/x594/x037/x927/935", "64/000", "99999999999999999999999/000", "0/000.p/256", "0/000.p/0",
        "0/-01", "0/1", "0/0001", "0/x1/000", "0/001/000", "tile/000", "", "0",
    ])
    func addressesOutsideTheBoundsAreRefused(path: String) {
        #expect(parse(path) == nil)
    }

    @Test func everyPositionOfTheLargestTileStaysInSixtyFourBits() throws {
        let last = try #require(TileAddress(level: 0, index: TileAddress.maximumIndex))
        #expect(last.start + last.width == MerkleTree.maximumSize)
        #expect(TileAddress(level: 0, index: TileAddress.maximumIndex + 1) == nil)
    }
}
