import { MemoryDatapathMaps, MemoryDatapathStore, type DatapathMaps } from '../src/index.js';
import { datapathMapsSuite } from './datapath-maps-suite.js';

datapathMapsSuite('MemoryDatapathMaps', {
  unavailable: () => undefined,
  create() {
    // "Reopen" = a new MemoryDatapathMaps over the same store, as an agent restart over pins.
    const store = new MemoryDatapathStore();
    const opened: DatapathMaps[] = [];
    return {
      open(capacities) {
        const maps = new MemoryDatapathMaps({ store, capacities });
        opened.push(maps);
        return maps;
      },
      dispose() {
        for (const m of opened) m.close();
      },
    };
  },
});
