import { Router } from 'express';
import type { AppContext } from '../../../context.js';
import { AppUserRepository } from '../../../repositories/registry/app-user.repository.js';
import { CardRepository } from '../../../repositories/registry/card.repository.js';
import { CarrierRepository } from '../../../repositories/registry/carrier.repository.js';
import { DeviceRepository } from '../../../repositories/registry/device.repository.js';
import { DistrictRepository } from '../../../repositories/registry/district.repository.js';
import { DriverRepository } from '../../../repositories/registry/driver.repository.js';
import { PermitRepository } from '../../../repositories/registry/permit.repository.js';
import { RouteRepository } from '../../../repositories/registry/route.repository.js';
import { ScaleRepository } from '../../../repositories/registry/scale.repository.js';
import { SiteRepository } from '../../../repositories/registry/site.repository.js';
import { StreamRepository } from '../../../repositories/registry/stream.repository.js';
import { TargetRepository } from '../../../repositories/registry/target.repository.js';
import { VehicleRepository } from '../../../repositories/registry/vehicle.repository.js';
import { CardService } from '../../../services/registry/card.service.js';
import { CarrierService } from '../../../services/registry/carrier.service.js';
import { DeviceService } from '../../../services/registry/device.service.js';
import { DistrictService } from '../../../services/registry/district.service.js';
import { DriverService } from '../../../services/registry/driver.service.js';
import { PermitService } from '../../../services/registry/permit.service.js';
import { RouteService } from '../../../services/registry/route.service.js';
import { ScaleService } from '../../../services/registry/scale.service.js';
import { SiteService } from '../../../services/registry/site.service.js';
import { StreamService } from '../../../services/registry/stream.service.js';
import { TargetService } from '../../../services/registry/target.service.js';
import { UserService } from '../../../services/registry/user.service.js';
import { VehicleService } from '../../../services/registry/vehicle.service.js';
import { cardRoutes } from './cards.js';
import { carrierRoutes } from './carriers.js';
import { deviceRoutes } from './devices.js';
import { districtRoutes } from './districts.js';
import { driverRoutes } from './drivers.js';
import { permitRoutes } from './permits.js';
import { collectionRouteRoutes } from './routes.js';
import { scaleRoutes } from './scales.js';
import { siteRoutes } from './sites.js';
import { streamRoutes } from './streams.js';
import { targetRoutes } from './targets.js';
import { userRoutes } from './users.js';
import { vehicleRoutes } from './vehicles.js';

/** The registry under /api/v1: wires repositories → services → one small router per entity. */
export function registryRoutes(ctx: Pick<AppContext, 'db' | 'live' | 'presence' | 'registryChanges'>): Router {
  const db = ctx.db.prisma;
  const changes = ctx.registryChanges; // edits that can change reconciliation are announced
  const sites = new SiteRepository(db);
  const scales = new ScaleRepository(db);
  const vehicles = new VehicleRepository(db);
  const drivers = new DriverRepository(db);

  const r = Router();
  r.use('/streams', streamRoutes(new StreamService(new StreamRepository(db))));
  r.use('/districts', districtRoutes(new DistrictService(new DistrictRepository(db), changes)));
  r.use('/sites', siteRoutes(new SiteService(sites, changes)));
  r.use('/scales', scaleRoutes(new ScaleService(scales, changes)));
  r.use('/carriers', carrierRoutes(new CarrierService(new CarrierRepository(db), changes)));
  r.use('/vehicles', vehicleRoutes(new VehicleService(vehicles, changes)));
  r.use('/drivers', driverRoutes(new DriverService(drivers)));
  r.use('/cards', cardRoutes(new CardService(new CardRepository(db), vehicles, drivers)));
  r.use('/routes', collectionRouteRoutes(new RouteService(new RouteRepository(db), sites, changes)));
  r.use('/permits', permitRoutes(new PermitService(new PermitRepository(db), sites, vehicles, changes)));
  r.use('/targets', targetRoutes(new TargetService(new TargetRepository(db))));
  r.use('/devices', deviceRoutes(new DeviceService(new DeviceRepository(db), scales, ctx.live, ctx.presence)));
  r.use('/users', userRoutes(new UserService(new AppUserRepository(db))));
  return r;
}
