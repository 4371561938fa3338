export {
  type ApiClient,
  type ApiClientOptions,
  ApiError,
  type ApiInput,
  type ApiOutput,
  type ApiProblem,
  createApiClient,
} from './api-client.js';
export { API_ROUTES, type ApiOperation, type ApiRoute, type ApiRoutes } from './api-routes.js';
export {
  EnqueuedSchema,
  EnqueueJobBodySchema,
  HealthSchema,
  JOB_STATUSES,
  JobChangeSchema,
  JobDetailsSchema,
  JobIdParamsSchema,
  JobIdSchema,
  JobListSchema,
  JobSchema,
  JobStatusSchema,
  ListJobsQuerySchema,
  ProblemSchema,
} from './api-schemas.js';
