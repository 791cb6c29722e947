// The tests' S3 API server is the one `npm start` runs (actions/local/s3-server.ts).
export {
  type LocalS3Server as S3TestServer,
  startS3Server,
} from '../../actions/local/s3-server.ts';
