import { PageQuery } from '../../common/pagination/page.query';

export class ListApplicationsQuery extends PageQuery {}
