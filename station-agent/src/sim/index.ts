// Simulated devices and traffic for in-process station agents (the demo city, tests).
export { MemoryLine, type MemoryLineOptions } from './memory-line.js';
export { SimulatedIndicator, type SimCurve, type SimulatedIndicatorOptions } from './sim-indicator.js';
export { SimulatedCardReader } from './sim-card-reader.js';
export { SimulatedDevices, type SimLane, type SimulatedDevicesOptions } from './sim-devices.js';
export { weighPass, type LaneControl, type PassOutcome, type PassPlan, type PassTiming } from './lane-pass.js';
export { TrafficDriver, type DriverStats, type SimStation, type TrafficDriverOptions, type VisitPass, type VisitPlan, type VisitResult } from './traffic-driver.js';
